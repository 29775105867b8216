import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeUploadMetadata, FEED_SETTLE_MS, type UploadMetadata } from '@event-photos/core';
import { fakeStores, type FakeStores, type ObjectToPut } from '@event-photos/testing/fakes';
import { SharpPhotoRenderer } from '@event-photos/images';
import {
  decompressionBombPng,
  heicFixture,
  jpegBytes,
  jpegLookalike,
  photoJpeg,
  type PendingUpload,
  photoRecord,
  pngWithHtml,
  seedPhoto,
  truncatedJpeg,
  UNLIMITED_QUOTAS,
  uploadRecord,
} from '@event-photos/testing/fixtures';
import { lambdaContext, s3Event, s3Record } from '../test-support/events';
import { TEST_CDN, testLifecycle } from '../test-support/lifecycle';
import { createHandler, decodeS3Key } from './process-uploaded-photo';

const CDN = TEST_CDN;
const EVENT_ID = 'demo';
const IDS = [
  '01890a5d-ac96-774b-bcce-b302099a8057',
  '01890a5d-ac96-774b-bcce-b302099a8058',
  '01890a5d-ac96-774b-bcce-b302099a8059',
] as const;
const PHOTO_ID = IDS[0];
const keyOf = (photoId: string) => `uploads/event_${EVENT_ID}/${photoId}.jpg`;
/** Where an accepted photo is published (the quarantined upload is then removed). */
const publishedOf = (photoId: string) => `photos/event_${EVENT_ID}/${photoId}.jpg`;
const originalOf = (photoId: string, extension = 'jpg') => `originals/event_${EVENT_ID}/${photoId}.${extension}`;

const PNG_HEADER = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
const jpeg = (size: number, fill = 7) => jpegBytes(size, fill);
/** Each photo's own bytes by default: the event keeps one photo per content. */
const jpegOf = (photoId: string, size = 5000) => jpeg(size, Number.parseInt(photoId.slice(-2), 16));
const EMPTY = { created: 0, alreadyRecorded: 0, duplicateContent: 0, rejected: 0, gone: 0, deleted: 0 };

const renderer = new SharpPhotoRenderer();
let stores: FakeStores;
let handler: ReturnType<typeof createHandler>;

function pendingFor(photoId: string, overrides: Partial<PendingUpload> = {}): PendingUpload {
  return uploadRecord({
    photoId,
    eventId: EVENT_ID,
    title: `키노트 연설 🎤 ${photoId.slice(-4)}`,
    description: '主'.repeat(2000), // too long for the object's metadata
    size: 5000,
    uploaderId: `uploader-of-${photoId.slice(-4)}`,
    uploaderName: `name-${photoId.slice(-4)}`,
    ...overrides,
  });
}

function metadataFor(pending: PendingUpload, overrides: Partial<UploadMetadata> = {}) {
  return encodeUploadMetadata({
    photoId: pending.photoId,
    eventId: pending.eventId,
    uploaderId: pending.uploaderId,
    contentType: pending.contentType,
    title: pending.title,
    description: pending.description,
    ...overrides,
  });
}

/** Records what initiate-upload records and stores what the client then PUTs, consistent unless overridden. */
async function upload(
  photoId: string,
  {
    pending = pendingFor(photoId),
    bytes = jpegOf(photoId, pending?.size ?? 5000),
    metadata = metadataFor(pending ?? pendingFor(photoId)),
    object = {},
  }: { pending?: PendingUpload | null; bytes?: Buffer; metadata?: Record<string, string>; object?: ObjectToPut } = {},
) {
  if (pending) await stores.photos.reserveUpload(pending, UNLIMITED_QUOTAS);
  stores.objects.put(keyOf(photoId), bytes, { contentType: 'image/jpeg', metadata, ...object });
  return pending;
}

const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const photoOf = (photoId: string) => stores.photos.getPhoto(EVENT_ID, photoId);
const uploadOf = (photoId: string) => stores.photos.getUpload(EVENT_ID, photoId);
const invoke = (...keys: string[]) => handler(s3Event(...keys), lambdaContext('process-uploaded-photo'));

/** Uploads these bytes, declared as `contentType`, with the upload record and metadata to match. */
async function uploadBytes(bytes: Promise<Buffer> | Buffer, contentType: PendingUpload['contentType']) {
  const content = await bytes;
  return upload(PHOTO_ID, { pending: pendingFor(PHOTO_ID, { size: content.length, contentType }), bytes: content });
}

/** Every object viewers could be given: what is under photos/. */
/** Every key processing wrote: the untouched original kept under originals/, what the CDN serves under photos/. */
async function published(): Promise<string[]> {
  const keys: string[] = [];
  for (const prefix of ['originals/', 'photos/']) for await (const key of stores.objects.keys(prefix)) keys.push(key);
  return keys;
}

let bombBytes: Promise<Buffer> | undefined;
const bomb = () => (bombBytes ??= decompressionBombPng()); // 5 s to encode: once

/** Spies on every method of a store, to check that it was not used at all. */
function everyMethodOf(store: object) {
  const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(store)).filter((name) => name !== 'constructor');
  const spies = methods.map((name) => vi.spyOn(store as Record<string, () => unknown>, name));
  return { calls: () => spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0) };
}

beforeEach(() => {
  stores = fakeStores();
  handler = createHandler(testLifecycle({ ...stores, renderer }));
});

describe('decodeS3Key', () => {
  it('decodes URL encoding with + for spaces', () => {
    expect(decodeS3Key('a+b%2Bc%20d')).toBe('a b+c d');
    expect(decodeS3Key(keyOf(PHOTO_ID))).toBe(keyOf(PHOTO_ID));
    expect(decodeS3Key('%ED%82%A4%EB%85%B8%ED%8A%B8')).toBe('키노트');
  });
});

describe('process-uploaded-photo', () => {
  it('records the photo: text from the upload record, computed sha256, the stored size, CDN url', async () => {
    const bytes = Buffer.concat([jpeg(40_000, 1), Buffer.alloc(70_000, 2), Buffer.from([0, 255, 1])]);
    const size = bytes.length;
    const pending = (await upload(PHOTO_ID, {
      pending: pendingFor(PHOTO_ID, { size, uploaderId: 'cognito-sub-42' }),
      bytes,
      // Metadata as S3 returns it: the title an RFC 2047 encoded word; no description (did not fit).
      metadata: {
        ...metadataFor(pendingFor(PHOTO_ID, { uploaderId: 'cognito-sub-42' })),
        title: `=?UTF-8?B?${Buffer.from(`키노트 연설 🎤 ${PHOTO_ID.slice(-4)}`).toString('base64')}?=`,
      },
    }))!;
    expect(metadataFor(pending)).not.toHaveProperty('description');

    const before = Date.now();
    // The key arrives URL-encoded and the record's own size is wrong: neither may leak into the photo.
    await expect(
      handler({ Records: [s3Record(keyOf(PHOTO_ID).replace('event_', 'event%5F'), { size: 1 })] }, lambdaContext()),
    ).resolves.toEqual({ ...EMPTY, created: 1 });

    const photo = await photoOf(PHOTO_ID);
    // The fixture's padding is comment segments: stripping takes them out, the scan stays as it was.
    const publishedBytes = Buffer.from((await stores.objects.read(publishedOf(PHOTO_ID))).bytes);
    expect(publishedBytes.length).toBeLessThan(size);
    expect(photo).toStrictEqual({
      photoId: PHOTO_ID,
      eventId: EVENT_ID,
      title: `키노트 연설 🎤 ${PHOTO_ID.slice(-4)}`,
      description: '主'.repeat(2000),
      contentType: 'image/jpeg',
      size,
      sha256: sha256Hex(bytes),
      url: `${CDN}/photos/event_${EVENT_ID}/${PHOTO_ID}.jpg`,
      publishedSize: publishedBytes.length,
      publishedSha256: sha256Hex(publishedBytes),
      uploaderId: 'cognito-sub-42',
      uploaderName: `name-${PHOTO_ID.slice(-4)}`,
      objectKeys: [originalOf(PHOTO_ID), publishedOf(PHOTO_ID), `photos/event_${EVENT_ID}/${PHOTO_ID}_w320.webp`],
      createdAt: expect.any(String),
      // The fixture is a 1x1 JPEG (padded): one rendition, never upscaled.
      width: 1,
      height: 1,
      renditions: [{ width: 1, height: 1, contentType: 'image/webp', url: `${CDN}/photos/event_${EVENT_ID}/${PHOTO_ID}_w320.webp` }],
      placeholder: expect.stringMatching(/^data:image\/webp;base64,/),
    });
    expect(Date.parse(photo!.createdAt)).toBeGreaterThanOrEqual(before);
    expect(await stores.photos.getHashClaim(EVENT_ID, sha256Hex(bytes))).toMatchObject({ photoId: PHOTO_ID });
    // Published with our headers only (none of the upload's metadata).
    expect(await stores.objects.head(publishedOf(PHOTO_ID))).toMatchObject({
      size: publishedBytes.length,
      contentType: 'image/jpeg',
      cacheControl: 'private, max-age=1800, immutable',
      metadata: {},
    });
    // The untouched upload is kept, private: the version checked, byte for byte, no cache may keep it.
    expect(await stores.objects.head(originalOf(PHOTO_ID))).toMatchObject({
      size,
      contentType: 'image/jpeg',
      cacheControl: 'private, no-store',
      metadata: {},
    });
    expect(Buffer.from((await stores.objects.read(originalOf(PHOTO_ID))).bytes)).toStrictEqual(bytes);
    // The upload stays in quarantine while its URL is valid (a second PUT must still find it: 412).
    expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(true);
    expect(await uploadOf(PHOTO_ID)).toMatchObject({ status: 'accepted' });
    expect(await stores.photos.storedTotals(EVENT_ID, 'cognito-sub-42')).toEqual({
      user: { photos: 1, bytes: size },
      event: { photos: 1, bytes: size },
    });
  });

  it("takes title and description from the upload record, not from the object's metadata", async () => {
    const pending = (await upload(PHOTO_ID, {
      metadata: metadataFor(pendingFor(PHOTO_ID), { title: 'Title in the metadata', description: 'Description in the metadata' }),
    }))!;
    await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, created: 1 });
    expect(await photoOf(PHOTO_ID)).toMatchObject({ title: pending.title, description: pending.description });
  });

  it('reads the object once, of the version it checked, and holds S3-verified SHA-256 to the bytes read', async () => {
    const bytes = jpegOf(PHOTO_ID);
    await upload(PHOTO_ID, { bytes, object: { verifiedSha256: true } });
    const read = vi.spyOn(stores.objects, 'read');
    const { etag } = (await stores.objects.head(keyOf(PHOTO_ID)))!;

    await invoke(keyOf(PHOTO_ID));

    expect((await photoOf(PHOTO_ID))!.sha256).toBe(sha256Hex(bytes));
    expect(read.mock.calls).toEqual([[keyOf(PHOTO_ID), etag]]);
  });

  it('fails (to be retried) when the bytes read are not those S3 verified, and records nothing', async () => {
    await upload(PHOTO_ID, { object: { verifiedSha256: true } });
    const read = stores.objects.read.bind(stores.objects);
    vi.spyOn(stores.objects, 'read').mockImplementation(async (key, etag) => ({ ...(await read(key, etag)), sha256: '0'.repeat(64) }));
    await expect(invoke(keyOf(PHOTO_ID))).rejects.toThrow('1 of 1 uploads failed');
    await expect(photoOf(PHOTO_ID)).resolves.toBeNull();
  });

  it('writes nothing when the photo is already recorded (duplicate delivery)', async () => {
    const pending = (await upload(PHOTO_ID, {
      pending: pendingFor(PHOTO_ID, { expiresAt: new Date(Date.now() + 60_000).toISOString() }),
    }))!;
    const recorded = photoRecord({ ...pending, title: 'As first recorded' });
    await stores.photos.acceptPhoto(recorded, UNLIMITED_QUOTAS);
    await stores.photos.markPhotoReady(EVENT_ID, PHOTO_ID, recorded.createdAt);
    const save = vi.spyOn(stores.photos, 'acceptPhoto');
    const read = vi.spyOn(stores.objects, 'read');

    await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, alreadyRecorded: 1 });
    expect(save).not.toHaveBeenCalled();
    expect(read).not.toHaveBeenCalled();
    await expect(photoOf(PHOTO_ID)).resolves.toStrictEqual(recorded);
    expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(true);
  });

  it('stamps the photo ready again when its write took longer than half of FEED_SETTLE_MS', async () => {
    await upload(PHOTO_ID);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const mark = stores.photos.markPhotoReady.bind(stores.photos);
      const stamp = vi.spyOn(stores.photos, 'markPhotoReady').mockImplementationOnce(async (eventId, photoId, readyAt) => {
        vi.setSystemTime(Date.now() + FEED_SETTLE_MS / 2 + 1); // a slow write
        return mark(eventId, photoId, readyAt);
      });
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toMatchObject({ created: 1 });
      expect(stamp).toHaveBeenCalledTimes(2);
      const [stamped, restampedAt] = stamp.mock.calls.map((call) => call[2]);
      expect(Date.parse(restampedAt!) - Date.parse(stamped!)).toBe(FEED_SETTLE_MS / 2 + 1);
      expect(await photoOf(PHOTO_ID)).toMatchObject({ createdAt: restampedAt });
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not stamp again after a quick write', async () => {
    await upload(PHOTO_ID);
    const stamp = vi.spyOn(stores.photos, 'markPhotoReady');
    await invoke(keyOf(PHOTO_ID));
    expect(stamp).toHaveBeenCalledTimes(1);
  });

  it('removes the quarantined upload of a published photo once its URL has expired, not before', async () => {
    const pending = (await upload(PHOTO_ID, {
      pending: pendingFor(PHOTO_ID, { expiresAt: new Date(Date.now() + 60_000).toISOString() }),
    }))!;
    const photo = photoRecord({ ...pending, objectKeys: [publishedOf(PHOTO_ID)] });
    await stores.photos.acceptPhoto(photo, UNLIMITED_QUOTAS);
    await stores.photos.markPhotoReady(EVENT_ID, PHOTO_ID, photo.createdAt);
    stores.objects.put(publishedOf(PHOTO_ID), jpegOf(PHOTO_ID), { contentType: 'image/jpeg' });
    await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, alreadyRecorded: 1 });
    expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(true);

    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, alreadyRecorded: 1 });
    } finally {
      vi.useRealTimers();
    }
    expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(false);
    expect(stores.objects.has(publishedOf(PHOTO_ID))).toBe(true);
  });

  it('finishes the photo when a concurrent delivery accepted it first', async () => {
    await upload(PHOTO_ID);
    // Another delivery of the same event accepts the photo between this one's read and its claim.
    const accept = stores.photos.acceptPhoto.bind(stores.photos);
    const saves = vi.spyOn(stores.photos, 'acceptPhoto').mockImplementationOnce(async (photo, quotas) => {
      await accept({ ...photo, title: 'Written by the other delivery' }, quotas);
      return accept(photo, quotas);
    });
    // The other delivery created it; this one finished publishing it.
    await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, alreadyRecorded: 1 });
    expect(saves).toHaveBeenCalledTimes(1);
    expect(await photoOf(PHOTO_ID)).toMatchObject({ title: 'Written by the other delivery' });
    expect(stores.objects.has(publishedOf(PHOTO_ID))).toBe(true);
  });

  it('processes every record of the event', async () => {
    for (const id of IDS) await upload(id);
    await invoke(...IDS.map(keyOf));

    for (const id of IDS) {
      expect(await photoOf(id)).toMatchObject({ sha256: sha256Hex(jpegOf(id)), uploaderId: `uploader-of-${id.slice(-4)}` });
    }
  });

  it('processes a key that appears twice in one event once', async () => {
    await upload(PHOTO_ID);
    const head = vi.spyOn(stores.objects, 'head');
    const save = vi.spyOn(stores.photos, 'acceptPhoto');
    await invoke(keyOf(PHOTO_ID), keyOf(PHOTO_ID));
    expect(head).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('rejects (so Lambda retries) when one put fails, after processing the others', async () => {
    for (const id of IDS) await upload(id);
    const failure = new Error('DynamoDB is unavailable');
    const accept = stores.photos.acceptPhoto.bind(stores.photos);
    vi.spyOn(stores.photos, 'acceptPhoto').mockImplementation(async (photo, quotas) =>
      photo.photoId === IDS[1] ? Promise.reject(failure) : accept(photo, quotas),
    );

    const error = await invoke(...IDS.map(keyOf)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toEqual([failure]);
    expect((error as AggregateError).message).toBe('1 of 3 uploads failed');
    expect(await Promise.all(IDS.map(async (id) => (await photoOf(id)) !== null))).toEqual([true, false, true]);
    // A transient failure never deletes the upload: the others are published, it waits for the retry (unpublished).
    expect(IDS.map((id) => stores.objects.has(keyOf(id)))).toEqual([true, true, true]);
    expect(IDS.map((id) => stores.objects.has(publishedOf(id)))).toEqual([true, false, true]);
  });

  it('rejects when reading the object fails with anything but "not found"', async () => {
    await upload(PHOTO_ID);
    vi.spyOn(stores.objects, 'head').mockRejectedValue(new Error('SlowDown'));
    await expect(invoke(keyOf(PHOTO_ID))).rejects.toThrow('1 of 1 uploads failed');
    await expect(photoOf(PHOTO_ID)).resolves.toBeNull();
    expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(true);
  });

  it('skips an object that is gone', async () => {
    // An upload record, but nothing stored under the key.
    await stores.photos.reserveUpload(pendingFor(PHOTO_ID), UNLIMITED_QUOTAS);
    const head = vi.spyOn(stores.objects, 'head');
    const read = vi.spyOn(stores.objects, 'read');
    await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, gone: 1 });
    expect(head).toHaveBeenCalledTimes(1);
    expect(read).not.toHaveBeenCalled();
    await expect(photoOf(PHOTO_ID)).resolves.toBeNull();
    await expect(uploadOf(PHOTO_ID)).resolves.toStrictEqual(pendingFor(PHOTO_ID));
  });

  it('still processes the other records when one object is gone', async () => {
    await upload(IDS[0]);
    await upload(IDS[2]);
    await invoke(...IDS.map(keyOf));
    expect(await Promise.all(IDS.map(async (id) => (await photoOf(id)) !== null))).toEqual([true, false, true]);
  });

  describe('renditions', () => {
    it('publishes oriented WebP renditions without metadata, and records the displayed size, their URLs and a placeholder', async () => {
      const bytes = await photoJpeg({ width: 4000, height: 3000, orientation: 6, gps: true });
      await uploadBytes(bytes, 'image/jpeg');
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, created: 1 });
      const photo = (await photoOf(PHOTO_ID))!;
      const renditionKey = (width: number) => `photos/event_${EVENT_ID}/${PHOTO_ID}_w${width}.webp`;
      expect({ width: photo.width, height: photo.height, objectKeys: photo.objectKeys, renditions: photo.renditions }).toStrictEqual({
        width: 3000,
        height: 4000,
        objectKeys: [originalOf(PHOTO_ID), publishedOf(PHOTO_ID), renditionKey(320), renditionKey(960), renditionKey(1920)],
        renditions: [
          [320, 427],
          [960, 1280],
          [1920, 2560],
        ].map(([width, height]) => ({ width, height, contentType: 'image/webp', url: `${CDN}/${renditionKey(width!)}` })),
      });
      expect(photo.placeholder!.length).toBeLessThanOrEqual(1024);
      expect(await published()).toStrictEqual(photo.objectKeys.toSorted());
      for (const width of [320, 960, 1920]) {
        expect(await stores.objects.head(renditionKey(width))).toMatchObject({
          contentType: 'image/webp',
          cacheControl: 'private, max-age=1800, immutable',
          metadata: {},
        });
        const { bytes: webp } = await stores.objects.read(renditionKey(width));
        const meta = await sharp(webp).metadata();
        expect({ format: meta.format, exif: meta.exif, width: meta.width }).toStrictEqual({ format: 'webp', exif: undefined, width });
      }
    });

    it('keeps a HEIC untouched for its uploader, and publishes nothing of it: its metadata is not removed here, and it has no renditions', async () => {
      await uploadBytes(Buffer.from(heicFixture(4032, 3024)), 'image/heic');
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, created: 1 });
      const photo = (await photoOf(PHOTO_ID))!;
      expect(photo).toMatchObject({
        width: 4032,
        height: 3024,
        renditions: [],
        previewUnavailable: expect.stringContaining('HEIC'),
        originalWithheld: 'Location and device details cannot be removed from image/heic files here, so others see the resized copies only',
        objectKeys: [originalOf(PHOTO_ID, 'heic')],
      });
      expect(photo).not.toHaveProperty('placeholder');
      expect(photo).not.toHaveProperty('url');
      expect(await published()).toStrictEqual([originalOf(PHOTO_ID, 'heic')]);
    });

    it('is ready only once every object is written: a failed rendition write leaves no record, and the retry publishes the same objects once', async () => {
      await uploadBytes(photoJpeg({ width: 1200, height: 800 }), 'image/jpeg');
      const write = stores.objects.write.bind(stores.objects);
      const failing = vi.spyOn(stores.objects, 'write').mockImplementationOnce(async () => Promise.reject(new Error('SlowDown')));
      await expect(invoke(keyOf(PHOTO_ID))).rejects.toThrow('1 of 1 uploads failed');
      await expect(photoOf(PHOTO_ID)).resolves.toBeNull();
      failing.mockImplementation(write);
      // The first run accepted it (and counts it created); the retry finishes it.
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, alreadyRecorded: 1 });
      await expect(photoOf(PHOTO_ID)).resolves.not.toBeNull();
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, alreadyRecorded: 1 }); // a redelivery writes nothing more
      const photo = (await photoOf(PHOTO_ID))!;
      expect(photo.renditions!.map(({ width }) => width)).toStrictEqual([320, 960, 1200]);
      expect(await published()).toStrictEqual(photo.objectKeys.toSorted());
      expect(failing).toHaveBeenCalledTimes(4 + 4); // each attempt writes the published original and the three renditions
    });
  });

  describe('the same bytes as another photo of the event', () => {
    const bytes = jpeg(5000);
    const SHA = sha256Hex(bytes);

    it('marks the upload duplicate of the recorded photo, deletes its object, writes no photo', async () => {
      await upload(PHOTO_ID, { bytes });
      await seedPhoto(stores.photos, photoRecord({ eventId: EVENT_ID, photoId: IDS[1], sha256: SHA }));
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, duplicateContent: 1 });
      await expect(photoOf(PHOTO_ID)).resolves.toBeNull();
      expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(false);
      expect(stores.objects.has(publishedOf(PHOTO_ID))).toBe(false); // never published
      expect(await uploadOf(PHOTO_ID)).toMatchObject({ status: 'duplicate', duplicateOf: IDS[1] });
      expect(await stores.photos.getHashClaim(EVENT_ID, SHA)).toMatchObject({ photoId: IDS[1] });
    });

    it('records the photo when the photo that held the bytes was deleted', async () => {
      await upload(PHOTO_ID, { bytes });
      const holder = await seedPhoto(stores.photos, photoRecord({ eventId: EVENT_ID, photoId: IDS[1], sha256: SHA }));
      await stores.photos.deletePhoto(EVENT_ID, IDS[1], holder.uploaderId);
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, created: 1 });
      expect(await stores.photos.getHashClaim(EVENT_ID, SHA)).toMatchObject({ photoId: PHOTO_ID });
      expect(await photoOf(PHOTO_ID)).toMatchObject({ sha256: SHA });
    });
  });

  describe('a photo deleted before or while it is processed', () => {
    /** Uploads, then deletes the photo as DELETE does, before processing runs. */
    async function uploadThenDelete() {
      const pending = (await upload(PHOTO_ID))!;
      await stores.photos.deletePhoto(EVENT_ID, PHOTO_ID, pending.uploaderId);
    }

    it('deletes an object that arrives after its upload was deleted, and writes no photo', async () => {
      await uploadThenDelete();
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, deleted: 1 });
      expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(false);
      await expect(photoOf(PHOTO_ID)).resolves.toBeNull();
      // Deleted stays deleted, never "rejected".
      expect(await uploadOf(PHOTO_ID)).toMatchObject({ status: 'deleted' });
      expect(await uploadOf(PHOTO_ID)).not.toHaveProperty('rejectionReason');
    });

    it('also removes what an earlier run published before the delete came (original and renditions)', async () => {
      await uploadThenDelete();
      for (const key of [publishedOf(PHOTO_ID), ...[320, 960, 1920].map((w) => `photos/event_${EVENT_ID}/${PHOTO_ID}_w${w}.webp`)])
        stores.objects.put(key, jpegBytes(300));
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, deleted: 1 });
      expect(await published()).toStrictEqual([]);
    });

    it.each(['acceptPhoto', 'markPhotoReady'] as const)(
      'leaves no record, claim, count or object when the delete comes right after %s',
      async (step) => {
        const pending = (await upload(PHOTO_ID))!;
        type Step = (...args: unknown[]) => Promise<unknown>;
        const store = stores.photos as unknown as Record<typeof step, Step>;
        const original = store[step].bind(stores.photos);
        vi.spyOn(store, step).mockImplementationOnce(async (...args: unknown[]) => {
          const result = await original(...args);
          await stores.photos.deletePhoto(EVENT_ID, PHOTO_ID, pending.uploaderId);
          return step === 'markPhotoReady' ? original(...args) : result;
        });
        await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, deleted: 1 });
        await expect(photoOf(PHOTO_ID)).resolves.toBeNull();
        await expect(stores.photos.getHashClaim(EVENT_ID, sha256Hex(jpegOf(PHOTO_ID)))).resolves.toBeNull();
        expect(await stores.photos.storedTotals(EVENT_ID, pending.uploaderId)).toEqual({
          user: { photos: 0, bytes: 0 },
          event: { photos: 0, bytes: 0 },
        });
        expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(false);
        expect(await published()).toStrictEqual([]); // the original and its rendition
      },
    );

    it('keeps the photo when the upload is still not deleted after the write', async () => {
      await upload(PHOTO_ID);
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, created: 1 });
      await expect(photoOf(PHOTO_ID)).resolves.not.toBeNull();
      expect(await stores.photos.getHashClaim(EVENT_ID, sha256Hex(jpegOf(PHOTO_ID)))).toMatchObject({ photoId: PHOTO_ID });
      expect(stores.objects.has(publishedOf(PHOTO_ID))).toBe(true);
    });
  });

  describe('an object that fails a check is deleted, its upload marked rejected, and no photo written', () => {
    const NOT_OURS = 'The object was not uploaded through an upload URL of this API';
    const MISMATCH = 'The object metadata does not match its upload';

    it.each<[string, () => Promise<unknown>, string]>([
      ['no metadata at all', () => upload(PHOTO_ID, { metadata: {} }), NOT_OURS],
      [
        'a content type we do not accept in its metadata',
        () => upload(PHOTO_ID, { metadata: { ...metadataFor(pendingFor(PHOTO_ID)), contenttype: 'text/html' } }),
        NOT_OURS,
      ],
      ['metadata of another photo', () => upload(PHOTO_ID, { metadata: metadataFor(pendingFor(IDS[1])) }), MISMATCH],
      [
        'metadata of another event',
        () => upload(PHOTO_ID, { metadata: metadataFor(pendingFor(PHOTO_ID), { eventId: 'other-event' }) }),
        MISMATCH,
      ],
      [
        'metadata of another uploader',
        () => upload(PHOTO_ID, { metadata: metadataFor(pendingFor(PHOTO_ID), { uploaderId: 'someone-else' }) }),
        MISMATCH,
      ],
      [
        'metadata declaring another content type',
        () => upload(PHOTO_ID, { metadata: metadataFor(pendingFor(PHOTO_ID), { contentType: 'image/png' }) }),
        MISMATCH,
      ],
      [
        'a size other than the declared one',
        () => upload(PHOTO_ID, { pending: pendingFor(PHOTO_ID, { size: 5000 }), bytes: jpeg(5001) }),
        'The file is 5001 bytes, not the declared 5000',
      ],
      [
        'a size over the maximum',
        () => upload(PHOTO_ID, { bytes: jpeg(25 * 1024 * 1024 + 1) }),
        `The file is ${25 * 1024 * 1024 + 1} bytes, over the maximum of ${25 * 1024 * 1024}`,
      ],
      [
        'PNG bytes declared as JPEG',
        () => upload(PHOTO_ID, { bytes: Buffer.concat([PNG_HEADER, Buffer.alloc(5000 - PNG_HEADER.length)]) }),
        'The file is image/png, not the declared image/jpeg',
      ],
      [
        'HTML declared as JPEG',
        () => upload(PHOTO_ID, { bytes: Buffer.from('<html>'.padEnd(5000, ' ')) }),
        'The file is not a recognisable image (declared image/jpeg)',
      ],
      [
        'random bytes behind a JPEG header',
        () => upload(PHOTO_ID, { bytes: jpegLookalike(5000) }),
        'The image cannot be decoded as image/jpeg: the file is corrupt or not an image',
      ],
      ['a truncated JPEG', () => uploadBytes(truncatedJpeg(), 'image/jpeg'), 'The image file is truncated (declared image/jpeg)'],
      [
        'a PNG header followed by HTML',
        () => uploadBytes(pngWithHtml(), 'image/png'),
        'The image cannot be decoded as image/png: the file is corrupt or not an image',
      ],
      [
        'a decompression bomb (400 megapixels in 1 MB)',
        () => uploadBytes(bomb(), 'image/png'),
        'The image is 20000x20000 pixels, over the limit of 100 megapixels',
      ],
      [
        'an upload already rejected',
        async () => {
          await upload(PHOTO_ID);
          await stores.photos.rejectUpload(EVENT_ID, PHOTO_ID, 'Earlier reason');
        },
        'Earlier reason',
      ],
    ])('%s', async (_name, arrange, reason) => {
      await arrange();
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ ...EMPTY, rejected: 1 });
      expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(false);
      expect(await published()).toStrictEqual([]);
      expect(await uploadOf(PHOTO_ID)).toMatchObject({ status: 'rejected', rejectionReason: reason });
      await expect(photoOf(PHOTO_ID)).resolves.toBeNull();
    });

    it('an object with no upload record is deleted, with nothing to mark', async () => {
      await upload(PHOTO_ID, { pending: null });
      const reject = vi.spyOn(stores.photos, 'rejectUpload');
      await invoke(keyOf(PHOTO_ID));
      expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(false);
      expect(reject).not.toHaveBeenCalled();
      await expect(photoOf(PHOTO_ID)).resolves.toBeNull();
    });

    it.each([
      `uploads/event_${EVENT_ID}/not-a-uuid.jpg`,
      `uploads/event_${EVENT_ID}/${PHOTO_ID.toUpperCase()}.jpg`,
      `uploads/event_${EVENT_ID}/sub/${PHOTO_ID}.jpg`,
      `uploads/${PHOTO_ID}.jpg`,
    ])('the non-upload key %j is deleted without any access to the photo store', async (key) => {
      stores.objects.put(key, jpeg(5000), { contentType: 'image/jpeg', metadata: metadataFor(pendingFor(PHOTO_ID)) });
      const table = everyMethodOf(stores.photos);
      await expect(invoke(key)).resolves.toEqual({ ...EMPTY, rejected: 1 });
      expect(stores.objects.has(key)).toBe(false);
      expect(table.calls()).toBe(0);
    });
  });

  describe('keys it must not act on', () => {
    it('fails (so nothing is deleted) for a key outside uploads/', async () => {
      stores.objects.put('avatars/me.jpg', jpeg(5000), { contentType: 'image/jpeg' });
      const table = everyMethodOf(stores.photos);
      await expect(invoke('avatars/me.jpg')).rejects.toThrow(/1 of 1 uploads failed/);
      expect(stores.objects.has('avatars/me.jpg')).toBe(true);
      expect(table.calls()).toBe(0);
    });

    it('skips an undecodable key without failing the rest of the batch', async () => {
      await upload(PHOTO_ID);
      await expect(handler(s3Event('uploads/%E0%A4%A', keyOf(PHOTO_ID)), lambdaContext())).resolves.toEqual({ ...EMPTY, created: 1 });
      await expect(photoOf(PHOTO_ID)).resolves.not.toBeNull();
      expect(decodeS3Key('uploads/%E0%A4%A')).toBeNull();
    });
  });
});
