import { createHash } from 'node:crypto';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { decompressionBombPng, heicFixture, photoJpeg, png, pngWithHtml, truncatedJpeg } from '@event-photos/testing/fixtures';
import type { LocalStack } from '@event-photos/local-stack';
import { jpegBytes, s3Client, signedCdnQuery, stackWithDemoUsers, type ApiCaller } from '@event-photos/local-stack/test-support';

// Quarantine, then publish: browsers write to uploads/, which the CDN never serves; processing
// publishes a checked copy under photos/ with headers we set, and its renditions. Over HTTP
// against the local stack.
let stack: LocalStack;
let stop: () => Promise<void>;
let s3: S3Client;
let attendee: ApiCaller;
/** A signature for every path on the CDN: its 403s and 404s below are about the path, never a missing signature. */
let signed: string;
const EVENT = 'demo-event';

beforeAll(async () => {
  let dataDir: string;
  ({ stack, stop, attendee, dataDir } = await stackWithDemoUsers('quarantine', { retryDelaysMs: [50, 100] }));
  s3 = s3Client(stack.outputs);
  signed = await signedCdnQuery(dataDir, `${stack.outputs.cdnBaseUrl}/*`);
});

afterAll(async () => {
  s3?.destroy();
  await stop?.();
});

async function initiate(contentType: string, bytes: Buffer) {
  const initiated = await attendee('POST', `/events/${EVENT}/photos/initiate-upload`, {
    title: 'Quarantined',
    contentType,
    size: bytes.length,
  });
  expect(initiated.status, initiated.text).toBe(201);
  return initiated.json as { photoId: string; s3PutObjectUrl: string; method: string; headers: Record<string, string> };
}

const cdn = (key: string) => fetch(`${stack.outputs.cdnBaseUrl}/${key}?${signed}`);
/** A URL the API returned, without its signature (the query changes per window). */
const unsigned = (url: string) => url.split('?')[0];
const quarantineKey = (photoId: string, extension: string) => `uploads/event_${EVENT}/${photoId}.${extension}`;
const publishedKey = (photoId: string, extension: string) => `photos/event_${EVENT}/${photoId}.${extension}`;

/** Reads `key` from the CDN again and again until `done` settles; every status seen. */
async function watch(key: string, done: Promise<unknown>): Promise<Set<number>> {
  const statuses = new Set<number>();
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    const response = await cdn(key);
    await response.arrayBuffer();
    statuses.add(response.status);
  }
  return statuses;
}

async function exists(key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: stack.outputs.bucketName, Key: key }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}

describe('quarantine, then publish', () => {
  it('never serves the upload; serves the published copy with only the headers we set', async () => {
    const bytes = jpegBytes(20_000);
    const { photoId, s3PutObjectUrl, method, headers } = await initiate('image/jpeg', bytes);
    const flow = (async () => {
      // Headers the URL does not sign, which S3 would store with the object and hand to viewers.
      const extra = {
        'content-disposition': 'attachment; filename="evil.html"',
        'content-language': 'xx',
        expires: 'Thu, 01 Jan 2099 00:00:00 GMT',
      };
      expect((await fetch(s3PutObjectUrl, { method, headers: { ...headers, ...extra }, body: new Uint8Array(bytes) })).status).toBe(200);
      await stack.notifications.idle();
    })();
    const seen = await watch(quarantineKey(photoId, 'jpg'), flow);
    await flow;
    expect(seen).toEqual(new Set([403]));
    expect((await cdn(quarantineKey(photoId, 'jpg'))).status).toBe(403);

    const photo = (await attendee('GET', `/events/${EVENT}/photos/${photoId}`)).json;
    expect(photo).toMatchObject({ status: 'ready' });
    expect(unsigned(photo.url)).toBe(`${stack.outputs.cdnBaseUrl}/${publishedKey(photoId, 'jpg')}`);
    const served = await cdn(publishedKey(photoId, 'jpg'));
    expect(served.status).toBe(200);
    expect(
      createHash('sha256')
        .update(Buffer.from(await served.arrayBuffer()))
        .digest('hex'),
    ).toBe(photo.publishedSha256);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('cache-control')).toBe('private, max-age=1800, immutable');
    for (const header of ['content-disposition', 'content-language', 'expires', 'content-encoding'])
      expect(served.headers.get(header), header).toBeNull();
    expect([...served.headers.keys()].filter((name) => name.startsWith('x-amz-meta-'))).toEqual([]);
    // The upload stays in quarantine while its URL is valid (a second PUT answers 412), unserved.
    expect(await exists(quarantineKey(photoId, 'jpg'))).toBe(true);
    expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(412);

    // The untouched original is kept apart, never on the CDN.
    expect(await exists(`originals/event_${EVENT}/${photoId}.jpg`)).toBe(true);
    expect((await cdn(`originals/event_${EVENT}/${photoId}.jpg`)).status).toBe(403);

    // A delete removes them all.
    expect((await attendee('DELETE', `/events/${EVENT}/photos/${photoId}`)).status).toBe(204);
    expect((await cdn(publishedKey(photoId, 'jpg'))).status).toBe(404);
    expect(await exists(quarantineKey(photoId, 'jpg'))).toBe(false);
    expect(await exists(`originals/event_${EVENT}/${photoId}.jpg`)).toBe(false);
    expect(await exists(publishedKey(photoId, 'jpg'))).toBe(false);
  });

  it('never serves HTML declared as an image, under either prefix, at any moment', async () => {
    const html = Buffer.from(`<html><script>alert(document.cookie)</script>${' '.repeat(500)}</html>`);
    const { photoId, s3PutObjectUrl, method, headers } = await initiate('image/png', html);
    const flow = (async () => {
      expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(html) })).status).toBe(200);
      await stack.notifications.idle();
    })();
    const [quarantine, published] = await Promise.all([
      watch(quarantineKey(photoId, 'png'), flow),
      watch(publishedKey(photoId, 'png'), flow),
    ]);
    expect(quarantine).toEqual(new Set([403]));
    expect(published).toEqual(new Set([404]));
    expect((await attendee('GET', `/events/${EVENT}/photos/${photoId}`)).json).toMatchObject({ status: 'rejected' });
    expect(await exists(quarantineKey(photoId, 'png'))).toBe(false);
    expect(await exists(publishedKey(photoId, 'png'))).toBe(false);
  });

  it('publishes a real PNG that then decodes from the CDN', async () => {
    const image = png(16, 9);
    const { photoId, s3PutObjectUrl, method, headers } = await initiate('image/png', image);
    expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(image) })).status).toBe(200);
    await stack.notifications.idle();
    const served = await cdn(publishedKey(photoId, 'png'));
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toStrictEqual(image);
  });
});

interface Rendition {
  width: number;
  height: number;
  contentType: string;
  url: string;
}

/** Uploads `bytes` through the API as a browser does; resolves once processing is done, with every CDN status seen meanwhile for `watched`. */
async function uploadWatching(contentType: string, bytes: Buffer, watched: (photoId: string) => string[]) {
  const { photoId, s3PutObjectUrl, method, headers } = await initiate(contentType, bytes);
  const flow = (async () => {
    expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
    await stack.notifications.idle();
  })();
  const seen = await Promise.all(watched(photoId).map((key) => watch(key, flow)));
  await flow;
  const photo = (await attendee('GET', `/events/${EVENT}/photos/${photoId}`)).json;
  return { photoId, photo, seen };
}

const renditionKey = (photoId: string, width: number) => `photos/event_${EVENT}/${photoId}_w${width}.webp`;

describe('renditions', () => {
  it('turns a 4000x3000 JPEG with EXIF orientation 6 and GPS into a 3000x4000 photo whose WebP renditions have no EXIF', async () => {
    const original = await photoJpeg({ width: 4000, height: 3000, orientation: 6, gps: true });
    const { photoId, photo, seen } = await uploadWatching('image/jpeg', original, (id) => [
      quarantineKey(id, 'jpg'),
      renditionKey(id, 1920),
    ]);
    // The quarantine is never served; a rendition is not served before the photo is ready (404, then 200 once published).
    expect(seen[0]).toEqual(new Set([403]));
    expect([...seen[1]!].every((status) => status === 404 || status === 200)).toBe(true);
    expect(photo).toMatchObject({
      status: 'ready',
      width: 3000,
      height: 4000,
      placeholder: expect.stringMatching(/^data:image\/webp;base64,/),
    });
    expect(photo.placeholder.length).toBeLessThanOrEqual(1024);
    expect(photo.renditions.map(({ width, height, contentType }: Rendition) => [width, height, contentType])).toEqual([
      [320, 427, 'image/webp'],
      [960, 1280, 'image/webp'],
      [1920, 2560, 'image/webp'],
    ]);
    for (const rendition of photo.renditions as Rendition[]) {
      expect(unsigned(rendition.url)).toBe(`${stack.outputs.cdnBaseUrl}/${renditionKey(photoId, rendition.width)}`);
      const served = await fetch(rendition.url);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/webp');
      expect(served.headers.get('cache-control')).toBe('private, max-age=1800, immutable');
      expect([...served.headers.keys()].filter((name) => name.startsWith('x-amz-meta-') || name === 'content-disposition')).toEqual([]);
      const bytes = Buffer.from(await served.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height, exif: meta.exif, xmp: meta.xmp }).toStrictEqual({
        format: 'webp',
        width: rendition.width,
        height: rendition.height,
        exif: undefined,
        xmp: undefined,
      });
      // Portrait, as displayed: 3:4 within a pixel of rounding.
      expect(Math.abs(meta.height! / meta.width! - 4 / 3)).toBeLessThan(0.01);
      // The fixture's camera serial and make (long enough never to occur by chance in noise pixels).
      for (const secret of ['SERIAL-12345', 'FixtureCam']) expect(bytes.includes(secret), secret).toBe(false);
    }
    // The original is published as uploaded, EXIF and all (it is the uploader's file, for download).
    expect((await cdn(publishedKey(photoId, 'jpg'))).status).toBe(200);

    // A delete removes every published object.
    expect((await attendee('DELETE', `/events/${EVENT}/photos/${photoId}`)).status).toBe(204);
    for (const rendition of photo.renditions as Rendition[]) expect((await fetch(rendition.url)).status).toBe(404);
    for (const width of [320, 960, 1920]) expect(await exists(renditionKey(photoId, width))).toBe(false);
  });

  it.each([
    [
      'a decompression bomb (400 megapixels in a small PNG)',
      'image/png',
      'png',
      decompressionBombPng,
      'The image is 20000x20000 pixels, over the limit of 100 megapixels',
    ],
    ['a truncated JPEG', 'image/jpeg', 'jpg', truncatedJpeg, 'The image file is truncated (declared image/jpeg)'],
    [
      'a PNG whose bytes after the header are HTML',
      'image/png',
      'png',
      pngWithHtml,
      'The image cannot be decoded as image/png: the file is corrupt or not an image',
    ],
  ])(
    'rejects %s with a reason, and never serves it',
    async (_name, contentType, extension, make, reason) => {
      const bytes = await make();
      const { photoId, photo, seen } = await uploadWatching(contentType, bytes, (id) => [
        quarantineKey(id, extension),
        publishedKey(id, extension),
        renditionKey(id, 320),
      ]);
      expect(seen).toEqual([new Set([403]), new Set([404]), new Set([404])]);
      expect(photo).toMatchObject({ status: 'rejected', rejectionReason: reason });
      expect(await exists(quarantineKey(photoId, extension))).toBe(false);
    },
    60_000,
  );

  it('keeps a HEIC untouched for its uploader: ready, no renditions and no published original, and why', async () => {
    const { photoId, photo } = await uploadWatching('image/heic', Buffer.from(heicFixture(4032, 3024)), () => []);
    expect(photo).toMatchObject({
      status: 'ready',
      width: 4032,
      height: 3024,
      renditions: [],
      previewUnavailable: expect.stringContaining('HEIC'),
      originalWithheld: expect.stringContaining('image/heic'),
    });
    expect(photo).not.toHaveProperty('placeholder');
    expect(photo).not.toHaveProperty('url');
    // Its metadata is not removed here: nothing of it is on the CDN; its uploader downloads the file.
    expect((await cdn(publishedKey(photoId, 'heic'))).status).not.toBe(200);
    const original = await attendee('GET', `/events/${EVENT}/photos/${photoId}/original`);
    expect(original.status).toBe(200);
    expect((await fetch(original.json.url)).headers.get('content-type')).toBe('image/heic');
  });
});
