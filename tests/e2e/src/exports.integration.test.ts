import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { fromBufferPromise } from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExportNames,
  IMAGE_CONTENT_TYPES,
  exportEntryName,
  type ExportView,
  type ImageContentType,
  type InviteRights,
  type PhotoView,
} from '@event-photos/core';
import type { LocalStack } from '@event-photos/local-stack';
import { type ApiCaller, apiCaller, jpegBytes, signIn, stackWithDemoUsers } from '@event-photos/local-stack/test-support';
import { heicFixture, png } from '@event-photos/testing/fixtures';
import { admit } from './support/membership';
import { createUser } from './support/users';

// Download all (issue "Photos stay with the people they were shared with", item 5), over HTTP
// against the local stack: 300 photos uploaded and processed as guests' are, zipped by the export
// worker (S3 -> zip -> S3 multipart on the local S3), downloaded from the presigned URL and
// opened with a standard zip reader (yauzl); who may export, and whose exports they may see.
const EVENT = 'export-event';
const PHOTOS = 300;
const DROP_BOX_PHOTOS = 3;

let stack: LocalStack;
let stop: () => Promise<void>;
let organizer: ApiCaller;
const users: Record<string, ApiCaller> = {};
const RIGHTS: Record<string, InviteRights> = {
  Full: { upload: true, viewOthers: true, downloadOriginals: true },
  DropBox: { upload: true, viewOthers: false, downloadOriginals: true },
  Viewer: { upload: false, viewOthers: true, downloadOriginals: false },
};

async function newUser(name: string): Promise<ApiCaller> {
  const email = `${name.toLowerCase()}@example.com`;
  const password = `Local-${name}-1!`;
  await createUser(stack.outputs, { email, password });
  return apiCaller(stack.outputs, (await signIn(stack.outputs, email, password)).idToken);
}

/** What each photo is uploaded as: mostly JPEGs, some PNGs and GIFs (published as renditions only) and HEICs (no file others may have). */
async function fileOf(n: number): Promise<{ bytes: Buffer; contentType: ImageContentType }> {
  if (n % 50 === 7) return { bytes: Buffer.from(heicFixture(640 + n, 480)), contentType: 'image/heic' };
  if (n % 25 === 3) {
    const gif = await sharp({ create: { width: 8 + n, height: 8, channels: 3, background: { r: n % 256, g: 0, b: 0 } } })
      .gif()
      .toBuffer();
    return { bytes: gif, contentType: 'image/gif' };
  }
  if (n % 10 === 5) return { bytes: png(4 + n, 3), contentType: 'image/png' };
  return { bytes: jpegBytes(1500 + n), contentType: 'image/jpeg' };
}

/** Titles that make file names hard: alike, unsafe, long, in other scripts. */
function titleOf(n: number): string {
  const titles = [
    'Same',
    'Same',
    '../../etc/passwd',
    'Fête à Zürich 🎉',
    '東京の夜景',
    `Long ${'x'.repeat(190)}`,
    'a/b\\c:d*e?f',
    'CON',
    'photo.exe\u202Egpj',
  ];
  return titles[n % titles.length]!.replace('\u202E', ' ');
}

async function upload(as: ApiCaller, n: number): Promise<string> {
  const { bytes, contentType } = await fileOf(n);
  const initiated = await as('POST', `/events/${EVENT}/photos/initiate-upload`, { title: titleOf(n), contentType, size: bytes.length });
  expect(initiated.status, initiated.text).toBe(201);
  const { photoId, s3PutObjectUrl, method, headers } = initiated.json;
  const put = await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) });
  expect(put.status).toBe(200);
  return photoId as string;
}

/** Runs `task` for 0..count-1, `concurrency` at a time. */
async function inParallel(count: number, concurrency: number, task: (n: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function photosSeenBy(as: ApiCaller): Promise<PhotoView[]> {
  const photos: PhotoView[] = [];
  let cursor: string | null = null;
  do {
    const page = await as('GET', `/events/${EVENT}/photos?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status, page.text).toBe(200);
    photos.push(...page.json.items);
    cursor = page.json.nextCursor;
  } while (cursor);
  return photos;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * What the caller's zip must hold, from what the API shows them, newest first as the worker lists:
 * each entry's name and the SHA-256 its bytes must have (the record's publishedSha256 for a
 * published original; for a rendition, that of the bytes at its CDN URL). And how many are skipped.
 */
async function expectedZip(as: ApiCaller) {
  const names = new ExportNames();
  const entries = new Map<string, string>();
  let skipped = 0;
  for (const photo of await photosSeenBy(as)) {
    if (photo.url !== undefined) {
      expect(photo.publishedSha256, photo.photoId).toMatch(/^[0-9a-f]{64}$/);
      entries.set(names.unique(exportEntryName(photo, IMAGE_CONTENT_TYPES[photo.contentType])), photo.publishedSha256!);
      continue;
    }
    const largest = photo.renditions?.at(-1);
    if (!largest) {
      skipped += 1;
      continue;
    }
    const rendition = await fetch(largest.url);
    expect(rendition.status).toBe(200);
    entries.set(names.unique(exportEntryName(photo, 'webp')), sha256(new Uint8Array(await rendition.arrayBuffer())));
  }
  return { entries, skipped };
}

/** POST .../exports, then GET it until it is no longer running. */
async function exportAs(as: ApiCaller): Promise<{ exportId: string; view: ExportView }> {
  const created = await as('POST', `/events/${EVENT}/exports`);
  expect(created.status, created.text).toBe(202);
  const { exportId } = created.json;
  for (let tries = 0; tries < 600; tries++) {
    const got = await as('GET', `/events/${EVENT}/exports/${exportId}`);
    expect(got.status, got.text).toBe(200);
    if (got.json.status !== 'running') return { exportId, view: got.json };
    await sleep(100);
  }
  throw new Error(`Export ${exportId} still running`);
}

/** Downloads the zip from its presigned URL and reads every entry with yauzl: name -> SHA-256 of its bytes. */
async function download(view: ExportView): Promise<{ entries: Map<string, string>; disposition: string | null; methods: Set<number> }> {
  const response = await fetch(view.url!);
  expect(response.status).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(bytes.length).toBe(view.bytes);
  const zip = await fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true });
  const entries = new Map<string, string>();
  const methods = new Set<number>();
  for await (const entry of zip.eachEntry()) {
    const hash = createHash('sha256');
    for await (const chunk of await zip.openReadStreamPromise(entry)) hash.update(chunk as Buffer);
    expect(entries.has(entry.fileName), entry.fileName).toBe(false);
    entries.set(entry.fileName, hash.digest('hex'));
    methods.add(entry.compressionMethod);
  }
  return { entries, disposition: response.headers.get('content-disposition'), methods };
}

beforeAll(async () => {
  ({ stack, stop, organizer } = await stackWithDemoUsers('exports', { retryDelaysMs: [50, 100] }));
  for (const name of [...Object.keys(RIGHTS), 'Stranger']) users[name] = await newUser(name);
  expect((await organizer('POST', '/events', { eventId: EVENT, name: 'Export: test/1' })).status).toBe(201);
  const raised = await organizer('PATCH', `/events/${EVENT}`, { quotas: { userUploadsPerHour: 1000 } });
  expect(raised.status, raised.text).toBe(200);
  for (const [name, rights] of Object.entries(RIGHTS)) await admit(organizer, users[name]!, EVENT, rights);
  await inParallel(PHOTOS - DROP_BOX_PHOTOS, 6, (n) => upload(organizer, n));
  await inParallel(DROP_BOX_PHOTOS, 3, (n) => upload(users['DropBox']!, PHOTOS - DROP_BOX_PHOTOS + n));
  await stack.notifications.idle();
  expect(await photosSeenBy(organizer)).toHaveLength(PHOTOS);
}, 240_000);

afterAll(async () => {
  await stop?.();
});

describe('download all', () => {
  let organizerExport: string;

  it("zips every photo the organizer may see: exactly the expected entries, stored, each byte for byte its record's", async () => {
    const expected = await expectedZip(organizer);
    const { exportId, view } = await exportAs(organizer);
    organizerExport = exportId;
    expect(view).toMatchObject({ status: 'ready', photos: expected.entries.size, skipped: expected.skipped });
    // HEICs have no file others may have; GIFs are published as renditions only.
    expect(expected.skipped).toBe(6);
    expect(Date.parse(view.expiresAt!) - Date.now()).toBeLessThanOrEqual(3600_000);
    const zip = await download(view);
    expect(zip.entries).toEqual(expected.entries);
    expect(zip.entries.size).toBe(PHOTOS - expected.skipped);
    expect(zip.methods).toEqual(new Set([0]));
    expect(zip.disposition).toBe(`attachment; filename="Export_ test_1 photos.zip"; filename*=UTF-8''Export_%20test_1%20photos.zip`);
    // Safe names whatever the titles: no path, no '..' segment, no control or bidi character, bounded.
    const names = [...zip.entries.keys()];
    for (const name of names) {
      expect(name).not.toMatch(/[/\\:*?"<>|\u0000-\u001f\u202a-\u202e]|^\.|(^|\/)\.\.(\/|$)/);
      expect(Buffer.byteLength(name)).toBeLessThan(160);
    }
    expect(names).toContainEqual(expect.stringMatching(/^_\.\._etc_passwd \([0-9a-f]{8}\)\.jpg$/));
    expect(names).toContainEqual(expect.stringMatching(/^Fête à Zürich 🎉 \([0-9a-f]{8}\)\.(jpg|png|webp)$/));
    expect(names.filter((name) => name.endsWith('.webp')).length).toBeGreaterThan(0);
    expect(names.filter((name) => name.endsWith('.png')).length).toBeGreaterThan(0);
  });

  it('gives a member who sees only their own photos a zip of theirs alone', async () => {
    const dropBox = users['DropBox']!;
    const expected = await expectedZip(dropBox);
    expect(expected.entries.size).toBe(DROP_BOX_PHOTOS);
    const { view } = await exportAs(dropBox);
    expect(view).toMatchObject({ status: 'ready', photos: DROP_BOX_PHOTOS, skipped: 0 });
    expect((await download(view)).entries).toEqual(expected.entries);
  });

  it("refuses a member whose invite does not allow downloading originals (403), tells a stranger the event does not exist (404), and keeps an export its requester's (404)", async () => {
    const viewer = users['Viewer']!;
    expect((await viewer('POST', `/events/${EVENT}/exports`)).status).toBe(403);
    expect((await viewer('GET', `/events/${EVENT}/exports/${organizerExport}`)).status).toBe(403);
    const stranger = users['Stranger']!;
    for (const answer of [
      await stranger('POST', `/events/${EVENT}/exports`),
      await stranger('GET', `/events/${EVENT}/exports/${organizerExport}`),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.json.error.field).toBe('eventId');
    }
    const other = await users['Full']!('GET', `/events/${EVENT}/exports/${organizerExport}`);
    expect(other.status).toBe(404);
    expect(other.json.error).toEqual({ code: 'NotFound', message: `Export ${organizerExport} does not exist`, field: 'exportId' });
    expect((await organizer('GET', `/events/${EVENT}/exports/not-an-id`)).json.error.field).toBe('exportId');
  });
});
