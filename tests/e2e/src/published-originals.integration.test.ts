import { createHash } from 'node:crypto';
import ExifReader from 'exifreader';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InviteRights } from '@event-photos/core';
import type { LocalStack } from '@event-photos/local-stack';
import { type ApiCaller, apiCaller, signedCdnQuery, signIn, stackWithDemoUsers } from '@event-photos/local-stack/test-support';
import { cameraJpeg, cameraPng, cameraWebp, IDENTIFYING_STRINGS } from '@event-photos/testing/camera-fixtures';
import { heicFixture } from '@event-photos/testing/fixtures';
import { admit } from './support/membership';
import { createUser } from './support/users';

// Issue "Photos stay with the people they were shared with", items 1 and 2, over HTTP against the
// local stack: what another member downloads of a camera file has no location, serial or artist
// and decodes to the same pixels (a JPEG's scan data byte for byte); the uploader and the
// organizer get the untouched file from a 5-minute presigned GET; other members 403, strangers
// 404; members without downloadOriginals get no original URL at all.
const EVENT = 'originals-event';
type Format = 'jpeg' | 'png' | 'webp';
const FORMATS: Format[] = ['jpeg', 'png', 'webp'];

let stack: LocalStack;
let stop: () => Promise<void>;
let dataDir: string;
let organizer: ApiCaller;
let uploader: ApiCaller;
let downloader: ApiCaller;
let viewer: ApiCaller;
let stranger: ApiCaller;
const uploaded: Record<string, { photoId: string; bytes: Buffer }> = {};

const RIGHTS: Record<'downloader' | 'viewer', InviteRights> = {
  downloader: { upload: false, viewOthers: true, downloadOriginals: true },
  viewer: { upload: false, viewOthers: true, downloadOriginals: false },
};

async function newUser(name: string): Promise<ApiCaller> {
  const email = `${name}@example.com`;
  const password = `Local-${name}-1!`;
  await createUser(stack.outputs, { email, password });
  return apiCaller(stack.outputs, (await signIn(stack.outputs, email, password)).idToken);
}

async function upload(as: ApiCaller, bytes: Buffer, contentType: string, title: string): Promise<string> {
  const initiated = await as('POST', `/events/${EVENT}/photos/initiate-upload`, { title, contentType, size: bytes.length });
  expect(initiated.status, initiated.text).toBe(201);
  const { photoId, s3PutObjectUrl, method, headers } = initiated.json;
  expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
  return photoId;
}

async function download(url: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const response = await fetch(url);
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const pixels = async (bytes: Uint8Array) => (await sharp(bytes).raw().toBuffer({ resolveWithObject: true })).data;

/**
 * From a JPEG's first start-of-scan to its end of image: the entropy-coded data (0xFF in it is
 * always stuffed). Found by walking the segments: an Exif thumbnail inside APP1 has scans of its own.
 */
function scanData(jpeg: Buffer): Buffer {
  let at = 2;
  while (jpeg[at] === 0xff && jpeg[at + 1] !== 0xda) at += 2 + jpeg.readUInt16BE(at + 2);
  expect(jpeg[at + 1], 'a start of scan').toBe(0xda);
  return jpeg.subarray(at, jpeg.indexOf(Buffer.from([0xff, 0xd9]), at) + 2);
}

async function identifying(bytes: Buffer) {
  const tags = (await ExifReader.load(bytes, { async: true, expanded: true })) as unknown as Record<
    string,
    Record<string, unknown> | undefined
  >;
  return {
    gps: tags['gps'] !== undefined && Object.keys(tags['gps']!).length > 0,
    strings: IDENTIFYING_STRINGS.filter((text) => bytes.includes(text, 0, 'utf8')),
  };
}

const photoAs = async (as: ApiCaller, format: string) => {
  const answer = await as('GET', `/events/${EVENT}/photos/${uploaded[format]!.photoId}`);
  expect(answer.status, answer.text).toBe(200);
  return answer.json;
};

beforeAll(async () => {
  ({ stack, stop, organizer, dataDir } = await stackWithDemoUsers('originals'));
  // One at a time: the local pool's admin calls write one data file.
  uploader = await newUser('uploader');
  downloader = await newUser('downloader');
  viewer = await newUser('viewer');
  stranger = await newUser('stranger');
  expect((await organizer('POST', '/events', { eventId: EVENT, name: 'Originals' })).status).toBe(201);
  await admit(organizer, uploader, EVENT);
  await admit(organizer, downloader, EVENT, RIGHTS.downloader);
  await admit(organizer, viewer, EVENT, RIGHTS.viewer);
  const files: Record<string, [Buffer, string]> = {
    jpeg: [(await cameraJpeg()).bytes, 'image/jpeg'],
    png: [await cameraPng(), 'image/png'],
    webp: [await cameraWebp(), 'image/webp'],
    heic: [Buffer.from(heicFixture(4032, 3024)), 'image/heic'],
  };
  for (const [format, [bytes, contentType]] of Object.entries(files))
    uploaded[format] = { photoId: await upload(uploader, bytes, contentType, `Camera ${format}`), bytes };
  await stack.notifications.idle();
}, 120_000);

afterAll(async () => {
  await stop?.();
});

describe('the published original, as another member downloads it', () => {
  it.each(FORMATS)('%s: no GPS, serial or artist, the same pixels, and the size and hash the API gives', async (format) => {
    const { bytes } = uploaded[format]!;
    expect(await identifying(bytes)).toMatchObject({ gps: true }); // the fixture carries what the test is about
    const photo = await photoAs(downloader, format);
    expect(photo).toMatchObject({ status: 'ready', url: expect.stringContaining('/photos/') });
    const published = await download(photo.url);
    expect(published.status).toBe(200);
    expect(published.headers.get('cache-control')).toBe('private, max-age=1800, immutable');
    expect(await identifying(published.bytes)).toEqual({ gps: false, strings: [] });
    expect(await pixels(published.bytes)).toStrictEqual(await pixels(bytes));
    expect({ size: published.bytes.length, sha256: sha256(published.bytes) }).toEqual({
      size: photo.publishedSize,
      sha256: photo.publishedSha256,
    });
    // Orientation and colour profile kept.
    const [before, after] = await Promise.all([sharp(bytes).metadata(), sharp(published.bytes).metadata()]);
    expect({ orientation: after.orientation, icc: after.icc?.length }).toEqual({
      orientation: before.orientation,
      icc: before.icc?.length,
    });
  });

  it("jpeg: the scan data is the camera's, byte for byte", async () => {
    const photo = await photoAs(downloader, 'jpeg');
    const published = await download(photo.url);
    expect(scanData(published.bytes).equals(scanData(uploaded['jpeg']!.bytes))).toBe(true);
  });

  it('heic: no original is published (its metadata is not removed here), and the API says so', async () => {
    for (const as of [downloader, organizer, uploader]) {
      const photo = await photoAs(as, 'heic');
      expect(photo).not.toHaveProperty('url');
      expect(photo.originalWithheld).toContain('image/heic');
    }
  });
});

describe('the untouched original', () => {
  it.each([...FORMATS, 'heic'])('%s: its uploader and the organizer get it, GPS and all, from a 5-minute presigned GET', async (format) => {
    for (const as of [uploader, organizer]) {
      const before = Date.now();
      const answer = await as('GET', `/events/${EVENT}/photos/${uploaded[format]!.photoId}/original`);
      expect(answer.status, answer.text).toBe(200);
      expect(Date.parse(answer.json.expiresAt) - before).toBeLessThanOrEqual(5 * 60_000 + 1000);
      const original = await download(answer.json.url);
      expect(original.status).toBe(200);
      expect(sha256(original.bytes)).toBe(sha256(uploaded[format]!.bytes));
      expect(original.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="Camera ${format}\\.`));
    }
  });

  it('other members get 403, even with downloadOriginals; a stranger 404', async () => {
    const path = `/events/${EVENT}/photos/${uploaded['jpeg']!.photoId}/original`;
    expect((await downloader('GET', path)).status).toBe(403);
    expect((await viewer('GET', path)).status).toBe(403);
    expect((await stranger('GET', path)).json).toEqual({
      error: { code: 'NotFound', message: `Event ${EVENT} does not exist`, field: 'eventId' },
    });
  });

  it('is never on the CDN, not even with a valid signature for the event', async () => {
    const { photoId } = uploaded['jpeg']!;
    const base = stack.outputs.cdnBaseUrl;
    for (const resource of [`${base}/photos/event_${EVENT}/*`, `${base}/originals/event_${EVENT}/*`, `${base}/*`]) {
      const query = await signedCdnQuery(dataDir, resource);
      expect((await fetch(`${base}/originals/event_${EVENT}/${photoId}.jpg?${query}`)).status).not.toBe(200);
    }
  });
});

describe('a member without downloadOriginals', () => {
  it('is answered no original: no url, size or hash in the photo or the list, renditions only', async () => {
    const photo = await photoAs(viewer, 'jpeg');
    expect(photo).not.toHaveProperty('url');
    expect(photo).not.toHaveProperty('publishedSize');
    expect(photo).not.toHaveProperty('publishedSha256');
    expect(photo.renditions.length).toBeGreaterThan(0);
    const listed = (await viewer('GET', `/events/${EVENT}/photos`)).json.items;
    expect(listed).toHaveLength(4);
    for (const item of listed) expect(item).not.toHaveProperty('url');
  });
});
