import { beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeUploadMetadata } from '@event-photos/core';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { jpegBytes, photoRecord, seedPhoto, UNLIMITED_QUOTAS, uploadRecord } from '@event-photos/testing/fixtures';
import { SharpPhotoRenderer } from '@event-photos/images';
import { lambdaContext } from '../test-support/events';
import { testLifecycle } from '../test-support/lifecycle';
import { createHandler } from './reconcile-uploads';

const renderer = new SharpPhotoRenderer();
/** The deployed function's 15 minutes ahead (the unit tests' default context has 30 s). */
const runContext = () => ({ ...lambdaContext('reconcile-uploads'), getRemainingTimeInMillis: () => 900_000 });

// What processing does with each object is process-uploaded-photo.test.ts; paging through
// S3's listing is object-storage.test.ts.
const id = (n: number) => `01890a5d-ac96-774b-bcce-b3020999${String(n).padStart(4, '0')}`;
const keyOf = (n: number) => `uploads/event_demo/${id(n)}.jpg`;

let stores: FakeStores;

beforeEach(() => {
  stores = fakeStores();
});

it('walks every object under uploads/ and reports what each came to, failures included', async () => {
  for (const n of [1, 2, 3]) stores.objects.put(keyOf(n), jpegBytes(300));
  stores.objects.put('renditions/elsewhere.webp', jpegBytes(300));
  // 1 already has its photo; 2 is gone by the time it is looked at; 3 hits a store failure.
  await seedPhoto(stores.photos, photoRecord({ eventId: 'demo', photoId: id(1) }));
  const head = vi.spyOn(stores.objects, 'head').mockResolvedValue(null);
  const getPhoto = stores.photos.getPhoto.bind(stores.photos);
  vi.spyOn(stores.photos, 'getPhoto').mockImplementation(async (eventId, photoId) =>
    photoId === id(3) ? Promise.reject(new Error('throttled')) : getPhoto(eventId, photoId),
  );

  const report = await createHandler(testLifecycle({ ...stores, renderer }))({}, runContext());

  expect(report).toEqual({
    objects: 3,
    created: 0,
    alreadyRecorded: 1,
    duplicateContent: 0,
    rejected: 0,
    gone: 1,
    deleted: 0,
    failed: 1,
    stopped: null,
  });
  // Only uploads/ is walked (processing reads the record and the object at once).
  expect(head.mock.calls.map(([key]) => key).toSorted()).toEqual([keyOf(1), keyOf(2), keyOf(3)]);
});

it('records the photo of an object whose S3 event never came', async () => {
  const upload = uploadRecord({ eventId: 'demo', photoId: id(4), size: 5000 });
  await stores.photos.reserveUpload(upload, UNLIMITED_QUOTAS);
  stores.objects.put(keyOf(4), jpegBytes(5000), { contentType: 'image/jpeg', metadata: encodeUploadMetadata({ ...upload }) });

  const report = await createHandler(testLifecycle({ ...stores, renderer }))({}, runContext());

  expect(report).toMatchObject({ objects: 1, created: 1, failed: 0 });
  expect(await stores.photos.getPhoto('demo', id(4))).toMatchObject({
    photoId: id(4),
    size: 5000,
    objectKeys: [`originals/event_demo/${id(4)}.jpg`, `photos/event_demo/${id(4)}.jpg`, `photos/event_demo/${id(4)}_w320.webp`],
  });
});

describe('bounded whatever the backlog', () => {
  const backlog = async (count: number) => {
    for (let n = 1; n <= count; n++) stores.objects.put(keyOf(n), jpegBytes(300));
    return vi.spyOn(stores.objects, 'head');
  };

  it('stops after maxObjects objects, and lists no further', async () => {
    const head = await backlog(12);
    const keys = vi.spyOn(stores.objects, 'keys');
    const report = await createHandler(testLifecycle({ ...stores, renderer }), { maxObjects: 5, timeMarginMs: 60_000 })({}, runContext());
    expect(report).toMatchObject({ objects: 5, stopped: 'objects' });
    expect(head).toHaveBeenCalledTimes(5);
    expect(keys).toHaveBeenCalledTimes(1);
  });

  it('starts nothing once less than timeMarginMs is left before the timeout', async () => {
    const head = await backlog(3);
    const context = { ...lambdaContext('reconcile-uploads'), getRemainingTimeInMillis: () => 59_999 };
    const report = await createHandler(testLifecycle({ ...stores, renderer }), { maxObjects: 100, timeMarginMs: 60_000 })({}, context);
    expect(report).toMatchObject({ objects: 0, stopped: 'time' });
    expect(head).not.toHaveBeenCalled();
  });

  it('goes through the whole backlog when it fits', async () => {
    await backlog(3);
    const report = await createHandler(testLifecycle({ ...stores, renderer }), { maxObjects: 3, timeMarginMs: 60_000 })({}, runContext());
    expect(report).toMatchObject({ objects: 3, stopped: null });
  });
});
