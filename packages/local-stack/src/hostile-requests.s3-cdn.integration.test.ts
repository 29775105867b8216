import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { signUpload } from '@event-photos/aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client, signedCdnQuery, uploadSigning } from '#lib/test-support';
import { startLocalStack, type LocalStack } from '#lib/stack';

// Malformed and hostile requests to the CDN and the S3 proxy: each gets a 4xx, never a 5xx, and
// the stack (one process for every emulator) keeps serving.
let stack: LocalStack;
let dataDir: string;
let s3: S3Client;
/** A valid signature for every URL of the CDN: the requests below test paths, not signatures (cdn.test.ts does). */
let signed: string;
const withSignature = (rawPath: string) => `${rawPath}${rawPath.includes('?') ? '&' : '?'}${signed}`;
// A published key: what the CDN serves (no S3 event: processing only watches uploads/).
const PHOTO_KEY = `photos/event_demo-event/${randomUUID()}.jpg`;

/** A request whose path goes out exactly as given (fetch would normalise it). */
function send(
  baseUrl: string,
  method: string,
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Bytes straight onto the socket, for requests node:http refuses to build; answers the status line's code. */
function sendRaw(baseUrl: string, bytes: string): Promise<number> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

const hugeHeader = { 'x-padding': 'a'.repeat(20_000) };
const longKey = `uploads/${'k'.repeat(2000)}`;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-hostile-'));
  stack = await startLocalStack({ dataDir, retryDelaysMs: [10] });
  s3 = s3Client(stack.outputs);
  signed = await signedCdnQuery(dataDir, `${stack.outputs.cdnBaseUrl}/*`);
  await s3.send(new PutObjectCommand({ Bucket: stack.outputs.bucketName, Key: PHOTO_KEY, Body: 'jpeg?', ContentType: 'image/jpeg' }));
  await s3.send(
    new PutObjectCommand({ Bucket: stack.outputs.bucketName, Key: 'private/secret.txt', Body: 'secret', ContentType: 'text/plain' }),
  );
});

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the CDN', () => {
  const cdn = () => stack.outputs.cdnBaseUrl;

  it.each<[string, string, string, number]>([
    ['broken percent-encoding', 'GET', '/photos/%E0', 400],
    ['a lone percent sign', 'GET', '/photos/100%', 400],
    ['broken percent-encoding outside photos/', 'GET', '/%E0%A4', 400],
    ['a NUL in the key', 'GET', '/photos/%00', 404],
    ['a key over 1,024 bytes', 'GET', `/photos/${'k'.repeat(2000)}`, 404],
    ['a path segment too long for the local store', 'GET', `/photos/${'s'.repeat(300)}.jpg`, 404],
    ['an encoded ../ out of photos/', 'GET', '/photos/a%2F..%2F..%2Fprivate%2Fsecret.txt', 404],
    ['a raw ../ out of photos/', 'GET', '/photos/../private/secret.txt', 404],
    ['an encoded ../ as its own segment', 'GET', '/photos/%2E%2E/private/secret.txt', 404],
    ['broken percent-encoding in the query', 'GET', '/photos/missing.jpg?x=%E0', 404],
    ['a missing key', 'HEAD', '/photos/missing.jpg', 404],
    ['a key in the upload quarantine', 'GET', '/uploads/event_demo-event/x.jpg', 403],
    ['an encoded ../ from photos/ into the quarantine', 'GET', '/photos/..%2Fuploads%2Fx.jpg', 404],
    ['another method', 'PROPFIND', `/${PHOTO_KEY}`, 403],
    ['DELETE', 'DELETE', `/${PHOTO_KEY}`, 403],
  ])('answers %s with a 4xx', async (_name, method, rawPath, status) => {
    expect(await send(cdn(), method, withSignature(rawPath))).toMatchObject({ status });
  });

  it('answers an absolute-form target with a 400', async () => {
    expect(await send(cdn(), 'GET', `http://example.com/${PHOTO_KEY}`)).toMatchObject({ status: 400 });
  });

  it('answers an unsigned request with 403, as CloudFront with a trusted key group does', async () => {
    expect(await send(cdn(), 'GET', `/${PHOTO_KEY}`)).toMatchObject({ status: 403 });
  });

  it('answers huge headers and garbage request lines with a 4xx', async () => {
    expect((await send(cdn(), 'GET', withSignature(`/${PHOTO_KEY}`), hugeHeader)).status).toBe(431);
    expect(await sendRaw(cdn(), 'GE\u0001T /photos/x HTTP/1.1\r\nHost: x\r\n\r\n')).toBe(400);
    expect(await sendRaw(cdn(), 'GET /photos/x HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n')).toBe(400);
  });
});

describe('the S3 proxy', () => {
  const s3Url = () => stack.outputs.s3Endpoint;
  const bucket = () => stack.outputs.bucketName;

  it.each<[string, string, string, number, string]>([
    ['broken percent-encoding in the key', 'GET', '/event-photos-local/uploads/%E0', 400, 'InvalidURI'],
    ['broken percent-encoding in the bucket', 'GET', '/%E0/x', 400, 'InvalidURI'],
    ['a bucket outside the store', 'GET', '/%2E%2E/s3/checksums.json', 400, 'InvalidBucketName'],
    ['a path that is not a path', 'GET', '*', 400, 'InvalidURI'],
    ['a preflight with broken percent-encoding', 'OPTIONS', '/event-photos-local/%E0', 400, 'InvalidURI'],
    ['broken percent-encoding in the query', 'GET', '/event-photos-local?prefix=%E0', 400, 'InvalidArgument'],
    ['an unsigned read', 'GET', `/event-photos-local/${PHOTO_KEY}`, 403, 'AccessDenied'],
    ['an unsigned listing', 'GET', '/event-photos-local?list-type=2', 403, 'AccessDenied'],
    ['an unsigned PATCH', 'PATCH', `/event-photos-local/${PHOTO_KEY}`, 403, 'AccessDenied'],
  ])('answers %s with its S3 error', async (_name, method, rawPath, status, code) => {
    const answer = await send(s3Url(), method, rawPath);
    expect(answer.status).toBe(status);
    expect(answer.body).toContain(`<Code>${code}</Code>`);
  });

  it.each<[string, string, number, string]>([
    ['a key over 1,024 bytes', longKey, 400, 'KeyTooLongError'],
    ['a NUL in the key', 'uploads/a\u0000b', 404, 'NoSuchKey'],
    ['a ../ segment', 'uploads/../private/secret.txt', 404, 'NoSuchKey'],
    ['a path segment too long for the local store', `uploads/${'s'.repeat(300)}.jpg`, 404, 'NoSuchKey'],
  ])('answers a signed read of %s with its S3 error', async (_name, key, status, code) => {
    const failure = await s3.send(new GetObjectCommand({ Bucket: bucket(), Key: key })).then(
      () => undefined,
      (error: { name?: string; $metadata?: { httpStatusCode?: number } }) => error,
    );
    expect({ status: failure?.$metadata?.httpStatusCode, code: failure?.name }).toEqual({ status, code });
  });

  it.each<[string, string, number, string]>([
    ['a key over 1,024 bytes', longKey, 400, 'KeyTooLongError'],
    ['a ../ segment', 'uploads/../private/overwritten.txt', 400, 'InvalidArgument'],
    ['a path segment too long for the local store', `uploads/${'s'.repeat(300)}.jpg`, 400, 'InvalidArgument'],
  ])('refuses a signed write of %s with its S3 error', async (_name, key, status, code) => {
    const failure = await s3.send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: 'x' })).then(
      () => undefined,
      (error: { name?: string; $metadata?: { httpStatusCode?: number } }) => error,
    );
    expect({ status: failure?.$metadata?.httpStatusCode, code: failure?.name }).toEqual({ status, code });
  });

  it('answers huge headers and garbage request lines with a 4xx', async () => {
    expect((await send(s3Url(), 'GET', `/event-photos-local/${PHOTO_KEY}`, hugeHeader)).status).toBe(431);
    expect(await sendRaw(s3Url(), 'GE\u0001T /event-photos-local/x HTTP/1.1\r\nHost: x\r\n\r\n')).toBe(400);
  });

  // The proxy holds a body of up to 1 MiB in memory and spools a larger one to disk: both ways.
  it.each([
    ['held in memory', 100_000],
    ['spooled to disk', 2 * 1024 * 1024],
  ])('stores nothing of a signed PUT whose client goes away mid-body (%s)', async (_way, size) => {
    const key = `uploads/event_demo-event/aborted-${size}.jpg`;
    const signed = await signUpload(uploadSigning(stack.outputs), {
      bucket: bucket(),
      key,
      contentType: 'image/jpeg',
      size,
      metadata: {},
      expiresInSeconds: 60,
    });
    const url = new URL(signed.url);
    await new Promise<void>((resolve) => {
      const req = request({
        hostname: url.hostname,
        port: url.port,
        method: 'PUT',
        path: `${url.pathname}${url.search}`,
        headers: signed.headers,
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(10_000), () => setTimeout(() => req.destroy(), 100));
      req.on('close', () => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket(), Key: key })).then(
      () => 200,
      (error: { $metadata?: { httpStatusCode?: number } }) => error.$metadata?.httpStatusCode,
    );
    expect(head).toBe(404);
  });
});

it('still serves normal requests afterwards', async () => {
  const viaCdn = await send(stack.outputs.cdnBaseUrl, 'GET', withSignature(`/${PHOTO_KEY}`));
  expect(viaCdn).toEqual({ status: 200, body: 'jpeg?' });
  const head = await s3.send(new HeadObjectCommand({ Bucket: stack.outputs.bucketName, Key: PHOTO_KEY }));
  expect(head.ContentLength).toBe(5);
});
