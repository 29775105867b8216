import { beforeEach, expect, it, vi } from 'vitest';
import { encodeUploadMetadata } from '@event-photos/core';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { jpegBytes, photoRecord, uploadRecord } from '@event-photos/testing/fixtures';
import { lambdaContext } from '../test-support/events';
import { SharpPhotoRenderer } from '@event-photos/images';

const renderer = new SharpPhotoRenderer();
import { createHandler } from './reconcile-uploads';

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
  await stores.photos.savePhoto(photoRecord({ eventId: 'demo', photoId: id(1) }));
  const head = vi.spyOn(stores.objects, 'head').mockResolvedValue(null);
  const getPhoto = stores.photos.getPhoto.bind(stores.photos);
  vi.spyOn(stores.photos, 'getPhoto').mockImplementation(async (eventId, photoId) =>
    photoId === id(3) ? Promise.reject(new Error('throttled')) : getPhoto(eventId, photoId),
  );

  const report = await createHandler({ ...stores, renderer })({}, lambdaContext('reconcile-uploads'));

  expect(report).toEqual({ objects: 3, created: 0, alreadyRecorded: 1, duplicateContent: 0, rejected: 0, gone: 1, deleted: 0, failed: 1 });
  // Only uploads/ is walked (processing reads the record and the object at once).
  expect(head.mock.calls.map(([key]) => key).toSorted()).toEqual([keyOf(1), keyOf(2), keyOf(3)]);
});

it('records the photo of an object whose S3 event never came', async () => {
  const upload = uploadRecord({ eventId: 'demo', photoId: id(4), size: 5000 });
  await stores.photos.savePendingUpload(upload);
  stores.objects.put(keyOf(4), jpegBytes(5000), { contentType: 'image/jpeg', metadata: encodeUploadMetadata({ ...upload }) });

  const report = await createHandler({ ...stores, renderer })({}, lambdaContext('reconcile-uploads'));

  expect(report).toMatchObject({ objects: 1, created: 1, failed: 0 });
  expect(await stores.photos.getPhoto('demo', id(4))).toMatchObject({ photoId: id(4), size: 5000, objectKeys: [`photos/event_demo/${id(4)}.jpg`, `photos/event_demo/${id(4)}_w1.webp`] });
});
