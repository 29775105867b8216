import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpload } from '@event-photos/aws';
import { encodeUploadMetadata } from '@event-photos/core';
import { s3Event } from '@event-photos/testing';
import { jpegLookalike } from '@event-photos/testing/fixtures';
import { startLocalStack, type LocalStack } from '@event-photos/local-stack';
import { jpegBytes, s3Client, signIn, uploadSigning } from '@event-photos/local-stack/test-support';

// The security matrix of the upload path, over HTTP against the local stack:
// what S3 must refuse (1, 7), what processing must refuse (3), and at-least-once delivery (4).
let stack: LocalStack;
let dataDir: string;
let token: string;
let admin: S3Client;
const stackLog: Array<Record<string, unknown>> = [];
/** What processUploadedPhoto returns: how many keys of the event ended each way. */
type ProcessingSummary = Record<'created' | 'alreadyRecorded' | 'duplicateContent' | 'rejected' | 'gone', number>;
const EVENT = 'demo-event';

type Initiated = { photoId: string; s3PutObjectUrl: string; headers: Record<string, string> };

async function initiate(fields: Record<string, unknown>): Promise<Initiated> {
  const response = await fetch(`${stack.outputs.apiUrl}/events/${EVENT}/photos/initiate-upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Security', ...fields }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Initiated;
}

/** A PUT with exactly these headers and body (fetch would fix up Content-Length for us). */
function put(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; code: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function getPhoto(photoId: string) {
  const response = await fetch(`${stack.outputs.apiUrl}/events/${EVENT}/photos/${photoId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

async function listedIds(): Promise<string[]> {
  const response = await fetch(`${stack.outputs.apiUrl}/events/${EVENT}/photos?limit=100`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { items: Array<{ photoId: string }> }).items.map((item) => item.photoId);
}

async function objectExists(key: string): Promise<boolean> {
  try {
    await admin.send(new HeadObjectCommand({ Bucket: stack.outputs.bucketName, Key: key }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}

const keyOf = (photoId: string, ext = 'jpg') => `uploads/event_${EVENT}/${photoId}.${ext}`;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-security-'));
  stack = await startLocalStack({ dataDir, retryDelaysMs: [20, 40], log: (line) => stackLog.push(line) });
  const user = stack.outputs.demoUsers.find((candidate) => candidate.groups.length === 0)!;
  token = (await signIn(stack.outputs, user.email, user.password)).idToken;
  admin = s3Client(stack.outputs);
});

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('1. S3 enforces what was signed', () => {
  const bytes = jpegBytes(4096);

  const tampered = (url: string, change: (query: URLSearchParams, target: URL) => void) => {
    const target = new URL(url);
    change(target.searchParams, target);
    return target.toString();
  };

  it.each<[string, (upload: Initiated) => { url?: string; headers?: Record<string, string>; body?: Buffer }, number, string]>([
    [
      'tampered metadata',
      (u) => ({ url: tampered(u.s3PutObjectUrl, (q) => q.set('x-amz-meta-title', 'Hijacked')) }),
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'added metadata in the query',
      (u) => ({ url: tampered(u.s3PutObjectUrl, (q) => q.set('x-amz-meta-extra', '1')) }),
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'tampered expiry',
      (u) => ({ url: tampered(u.s3PutObjectUrl, (q) => q.set('X-Amz-Expires', '604800')) }),
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'a different object key',
      (u) => ({ url: tampered(u.s3PutObjectUrl, (_q, t) => (t.pathname = t.pathname.replace(u.photoId, randomUUID()))) }),
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'a body shorter than the signed Content-Length',
      (u) => ({ headers: { ...u.headers, 'Content-Length': String(bytes.length - 1) }, body: bytes.subarray(1) }),
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'a body longer than the signed Content-Length',
      (u) => ({ headers: { ...u.headers, 'Content-Length': String(bytes.length + 1) }, body: Buffer.concat([bytes, Buffer.from([0])]) }),
      403,
      'SignatureDoesNotMatch',
    ],
    ['another Content-Type', (u) => ({ headers: { ...u.headers, 'Content-Type': 'text/html' } }), 403, 'SignatureDoesNotMatch'],
    [
      'no If-None-Match',
      (u) => ({ headers: Object.fromEntries(Object.entries(u.headers).filter(([name]) => name !== 'If-None-Match')) }),
      403,
      'SignatureDoesNotMatch',
    ],
    ['an unsigned x-amz-meta header', (u) => ({ headers: { ...u.headers, 'x-amz-meta-title': 'Hijacked' } }), 403, 'AccessDenied'],
    [
      'a wrong Content-Type and its own signature missing',
      (u) => ({ url: tampered(u.s3PutObjectUrl, (q) => q.delete('X-Amz-Signature')), headers: u.headers }),
      403,
      'AccessDenied',
    ],
  ])('refuses %s', async (_name, change, status, code) => {
    const upload = await initiate({ contentType: 'image/jpeg', size: bytes.length });
    const { url = upload.s3PutObjectUrl, headers = upload.headers, body = bytes } = change(upload);
    expect(await put(url, headers, body)).toEqual({ status, code });
    expect(await objectExists(keyOf(upload.photoId))).toBe(false);
    // The genuine request still works afterwards: nothing was consumed by the refused one.
    expect((await put(upload.s3PutObjectUrl, upload.headers, bytes)).status).toBe(200);
  });

  it('refuses a URL signed with the wrong secret, and an unknown access key', async () => {
    const signWith = (accessKeyId: string, secretAccessKey: string) =>
      signUpload(uploadSigning(stack.outputs, { accessKeyId, secretAccessKey }), {
        bucket: stack.outputs.bucketName,
        key: keyOf(randomUUID()),
        contentType: 'image/jpeg',
        size: bytes.length,
        metadata: {},
        expiresInSeconds: 300,
      });
    const wrongSecret = await signWith('S3RVER', 'not-the-secret');
    expect(await put(wrongSecret.url, wrongSecret.headers, bytes)).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    const unknownKey = await signWith('AKIDLOCALUNKNOWN', 'whatever');
    expect(await put(unknownKey.url, unknownKey.headers, bytes)).toEqual({ status: 403, code: 'InvalidAccessKeyId' });
  });

  it('refuses an expired URL', async () => {
    const expired = await signUpload(
      uploadSigning(stack.outputs),
      {
        bucket: stack.outputs.bucketName,
        key: keyOf(randomUUID()),
        contentType: 'image/jpeg',
        size: bytes.length,
        metadata: {},
        expiresInSeconds: 300,
      },
      new Date(Date.now() - 301_000),
    );
    expect(await put(expired.url, expired.headers, bytes)).toEqual({ status: 403, code: 'AccessDenied' });
  });

  it('refuses a body whose SHA-256 differs from the signed checksum (BadDigest) and accepts the right one', async () => {
    // Bytes of its own: the shared ones are already a photo of the event, so initiate would answer duplicate.
    const bytes = jpegBytes(4096);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const upload = await initiate({ contentType: 'image/jpeg', size: bytes.length, sha256 });
    expect(upload.headers['x-amz-checksum-sha256']).toBe(Buffer.from(sha256, 'hex').toString('base64'));
    const other = Buffer.from(bytes);
    other[100] = other[100]! ^ 0xff;
    expect(await put(upload.s3PutObjectUrl, upload.headers, other)).toEqual({ status: 400, code: 'BadDigest' });
    expect(await objectExists(keyOf(upload.photoId))).toBe(false);
    expect((await put(upload.s3PutObjectUrl, upload.headers, bytes)).status).toBe(200);
    await stack.notifications.idle();
    expect((await getPhoto(upload.photoId)).json).toMatchObject({ status: 'ready', sha256 });
  });

  it('refuses anonymous reads of the bucket', async () => {
    const upload = await initiate({ contentType: 'image/jpeg', size: bytes.length });
    await put(upload.s3PutObjectUrl, upload.headers, bytes);
    const anonymous = await fetch(`${stack.outputs.s3Endpoint}/${stack.outputs.bucketName}/${keyOf(upload.photoId)}`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('answers CORS preflights for browser uploads', async () => {
    const upload = await initiate({ contentType: 'image/jpeg', size: bytes.length });
    const preflight = await fetch(upload.s3PutObjectUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,cache-control,if-none-match',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBeTruthy();
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    // A header the bucket's CORS rules do not list is refused, as on AWS.
    const refused = await fetch(upload.s3PutObjectUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'x-not-allowed',
      },
    });
    expect(refused.status).toBe(403);
  });
});

describe('7. expired or reused upload URLs', () => {
  it('refuses a second PUT to the same URL: the first photo and its record stay intact', async () => {
    const first = jpegBytes(3000);
    const second = jpegBytes(3000);
    const upload = await initiate({ contentType: 'image/jpeg', size: first.length });
    expect((await put(upload.s3PutObjectUrl, upload.headers, first)).status).toBe(200);
    await stack.notifications.idle();
    const before = await getPhoto(upload.photoId);
    expect(before.json.sha256).toBe(createHash('sha256').update(first).digest('hex'));

    expect(await put(upload.s3PutObjectUrl, upload.headers, second)).toEqual({ status: 412, code: 'PreconditionFailed' });
    await stack.notifications.idle();
    // The same photo; its URL signed again (the query changes per window), so compared without it.
    const withoutQuery = ({ url, ...rest }: Record<string, unknown>) => ({ ...rest, url: String(url).split('?')[0] });
    expect(withoutQuery((await getPhoto(upload.photoId)).json)).toEqual(withoutQuery(before.json));
    // What the CDN serves is still the first upload's published original, and what its uploader keeps is the first upload.
    const served = Buffer.from(await (await fetch(before.json['url'])).arrayBuffer());
    expect(createHash('sha256').update(served).digest('hex')).toBe(before.json['publishedSha256']);
    const original = await getPhoto(`${upload.photoId}/original`);
    expect(Buffer.from(await (await fetch(original.json['url'])).arrayBuffer()).equals(first)).toBe(true);
    expect((await listedIds()).filter((id) => id === upload.photoId)).toHaveLength(1);
  });
});

describe('3. processing trusts nothing', () => {
  it('rejects content that is not the declared image type, deletes it, and tells the uploader why', async () => {
    const bytes = jpegBytes(2000);
    const upload = await initiate({ contentType: 'image/png', size: bytes.length });
    expect((await put(upload.s3PutObjectUrl, upload.headers, bytes)).status).toBe(200);
    await stack.notifications.idle();
    const photo = await getPhoto(upload.photoId);
    expect(photo.json).toMatchObject({ status: 'rejected', rejectionReason: 'The file is image/jpeg, not the declared image/png' });
    expect(await objectExists(keyOf(upload.photoId, 'png'))).toBe(false);
    expect(await listedIds()).not.toContain(upload.photoId);
  });

  it('rejects a non-image', async () => {
    const bytes = Buffer.from('<html><script>alert(1)</script></html>'.padEnd(500, ' '));
    const upload = await initiate({ contentType: 'image/gif', size: bytes.length });
    expect((await put(upload.s3PutObjectUrl, upload.headers, bytes)).status).toBe(200);
    await stack.notifications.idle();
    expect((await getPhoto(upload.photoId)).json).toMatchObject({
      status: 'rejected',
      rejectionReason: expect.stringContaining('not a recognisable image'),
    });
    expect(await objectExists(keyOf(upload.photoId, 'gif'))).toBe(false);
  });

  it('rejects 25 MiB of random bytes behind a JPEG header: the image must decode', async () => {
    const bytes = jpegLookalike(25 * 1024 * 1024);
    const upload = await initiate({ contentType: 'image/jpeg', size: bytes.length });
    expect((await put(upload.s3PutObjectUrl, upload.headers, bytes)).status).toBe(200);
    await stack.notifications.idle();
    expect((await getPhoto(upload.photoId)).json).toMatchObject({
      status: 'rejected',
      rejectionReason: 'The image cannot be decoded as image/jpeg: the file is corrupt or not an image',
    });
    expect(await objectExists(keyOf(upload.photoId))).toBe(false);
    expect(await listedIds()).not.toContain(upload.photoId);
  });

  it('rejects an object whose size differs from the upload it claims to be', async () => {
    const upload = await initiate({ contentType: 'image/jpeg', size: 5000 });
    const metadata = encodeUploadMetadata({
      photoId: upload.photoId,
      eventId: EVENT,
      uploaderId: 'x',
      contentType: 'image/jpeg',
      title: 'Security',
    });
    // Written with the bucket owner's credentials, past the signed URL: processing must still check.
    await admin.send(
      new PutObjectCommand({
        Bucket: stack.outputs.bucketName,
        Key: keyOf(upload.photoId),
        Body: jpegBytes(6000),
        ContentType: 'image/jpeg',
        Metadata: metadata,
      }),
    );
    await stack.notifications.idle();
    expect((await getPhoto(upload.photoId)).json).toMatchObject({ status: 'rejected' });
    expect(await objectExists(keyOf(upload.photoId))).toBe(false);
  });

  it('deletes an object without our metadata and writes no photo', async () => {
    const photoId = randomUUID();
    await admin.send(
      new PutObjectCommand({ Bucket: stack.outputs.bucketName, Key: keyOf(photoId), Body: jpegBytes(300), ContentType: 'image/jpeg' }),
    );
    await stack.notifications.idle();
    expect(await objectExists(keyOf(photoId))).toBe(false);
    expect((await getPhoto(photoId)).status).toBe(404);
  });
});

describe('4. at-least-once delivery', () => {
  const eventFor = (...photoIds: string[]) =>
    s3Event(
      ...photoIds.map((photoId) => ({ key: keyOf(photoId), bucket: stack.outputs.bucketName, region: stack.outputs.region, size: 1 })),
    );
  const process = (...photoIds: string[]) => stack.invoke('processUploadedPhoto', eventFor(...photoIds)) as Promise<ProcessingSummary>;
  /** What the deliveries of the S3 emulator's own events for these keys ended as (from the stack's log). */
  const deliveredResults = (photoId: string) =>
    stackLog
      .filter((line) => line['message'] === 'S3 event delivered' && (line['keys'] as string[]).includes(keyOf(photoId)))
      .map((line) => line['result'] as ProcessingSummary);
  const sum = (results: ProcessingSummary[], outcome: keyof ProcessingSummary) =>
    results.reduce((total, result) => total + result[outcome], 0);

  async function uploadOne(title: string): Promise<{ photoId: string; sha256: string }> {
    const bytes = jpegBytes(3000 + Math.floor(Math.random() * 1000));
    const upload = await initiate({ contentType: 'image/jpeg', size: bytes.length, title });
    expect((await put(upload.s3PutObjectUrl, upload.headers, bytes)).status).toBe(200);
    return { photoId: upload.photoId, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  it('writes the photo once when its first delivery and six duplicates arrive at the same moment', async () => {
    // Warm instances first, so that every duplicate starts at once instead of one cold start apart.
    await Promise.all(Array.from({ length: 7 }, () => process(randomUUID())));
    const bytes = jpegBytes(5000);
    const upload = await initiate({ contentType: 'image/jpeg', size: bytes.length, title: 'Raced' });
    // The PUT's own S3 event and six direct deliveries of the same event race each other.
    expect((await put(upload.s3PutObjectUrl, upload.headers, bytes)).status).toBe(200);
    const direct = await Promise.all(Array.from({ length: 6 }, () => process(upload.photoId)));
    await stack.notifications.idle();
    const results = [...direct, ...deliveredResults(upload.photoId)];
    expect(results).toHaveLength(7);
    expect(sum(results, 'created')).toBe(1);
    expect(sum(results, 'alreadyRecorded')).toBe(6);

    const recorded = (await getPhoto(upload.photoId)).json;
    expect(recorded).toMatchObject({ status: 'ready', sha256: createHash('sha256').update(bytes).digest('hex') });
    // Later redeliveries and the reconcile job leave the record exactly as it is.
    await process(upload.photoId);
    await stack.invoke('reconcileUploads', {});
    expect((await getPhoto(upload.photoId)).json).toEqual(recorded);
  });

  it('leaves every record exactly as it was when a shuffled batch redelivers each object three times, twice at once', async () => {
    const uploads: Array<{ photoId: string; sha256: string }> = [];
    for (let i = 0; i < 6; i++) uploads.push(await uploadOne(`Batch ${i}`));
    await stack.notifications.idle();
    const before = new Map<string, unknown>();
    for (const { photoId, sha256 } of uploads) {
      const photo = (await getPhoto(photoId)).json;
      expect(photo).toMatchObject({ status: 'ready', sha256 });
      before.set(photoId, photo);
    }
    const ids = uploads.flatMap(({ photoId }) => [photoId, photoId, photoId]).sort(() => Math.random() - 0.5);
    const results = await Promise.all([process(...ids), process(...ids.slice().reverse())]);
    // Each event names each key three times: processed once per event, as a duplicate.
    expect(results).toEqual([
      { created: 0, alreadyRecorded: uploads.length, duplicateContent: 0, rejected: 0, gone: 0, deleted: 0 },
      { created: 0, alreadyRecorded: uploads.length, duplicateContent: 0, rejected: 0, gone: 0, deleted: 0 },
    ]);
    for (const { photoId } of uploads) expect((await getPhoto(photoId)).json).toEqual(before.get(photoId));
  });

  it.each([['with space.jpg'], ['plus+sign.jpg'], ['per%cent.jpg'], ['사진 📷 ü.jpg'], ['a+b %2B c.jpg']])(
    'decodes the event key of %s and finds the object it names',
    async (name) => {
      const key = `uploads/event_${EVENT}/${name}`;
      // The PutObject succeeding is the proof the object was there: processing may delete it at once.
      await admin.send(new PutObjectCommand({ Bucket: stack.outputs.bucketName, Key: key, Body: randomBytes(10) }));
      await stack.notifications.idle();
      // Not an upload of ours, so processing deletes it: which it can only do if it decoded the key right.
      expect(await objectExists(key)).toBe(false);
    },
  );
});
