import { beforeEach, describe, expect, it, vi } from 'vitest';
import { renditionObjectKeys, uploadObjectKey } from '@event-photos/core';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import {
  FIXTURE_EVENT_ID as EVENT_ID,
  ORGANIZER_ID,
  UPLOADER_ID,
  eventRecord,
  jpegBytes,
  photoRecord,
  uploadRecord,
} from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { httpEvent, jsonOf, lambdaContext } from '../test-support/events';
import { createHandler } from './delete-photo';

const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const STRANGER = 'stranger-sub';
const keyOf = (photoId: string) => uploadObjectKey(EVENT_ID, photoId, 'image/jpeg');
const renditionOf = (photoId: string) => `renditions/${photoId}-small.webp`;

let stores: FakeStores;
let handler: ReturnType<typeof createHandler>;

function invoke(sub = UPLOADER_ID, photoId = PHOTO_ID) {
  return handler(
    httpEvent({ method: 'DELETE', path: '/events/x/photos/y', pathParameters: { eventId: EVENT_ID, photoId }, claims: { sub } }),
    lambdaContext(),
  );
}

/** A processed photo with a rendition, as processing leaves it: upload, photo, hash claim, objects. */
async function storePhoto(photoId: string) {
  const photo = photoRecord({ photoId, objectKeys: [keyOf(photoId), renditionOf(photoId)] });
  await stores.photos.savePendingUpload(uploadRecord({ photoId }));
  await stores.photos.savePhoto(photo);
  await stores.claims.claimHash(EVENT_ID, photo.sha256, photoId);
  for (const key of photo.objectKeys) stores.objects.put(key, jpegBytes(300));
  return photo;
}

beforeEach(async () => {
  stores = fakeStores();
  handler = createHandler(stores, undefined, tokenGroups);
  await stores.photos.createEvent(eventRecord());
  await storePhoto(PHOTO_ID);
});

describe('delete-photo', () => {
  it('answers 204 with no body, marks the upload deleted, removes the record, its hash claim and every object', async () => {
    const result = await invoke();
    expect(result.statusCode).toBe(204);
    expect(result.body).toBeUndefined();
    await expect(stores.photos.getPhoto(EVENT_ID, PHOTO_ID)).resolves.toBeNull();
    expect(await stores.photos.getPendingUpload(EVENT_ID, PHOTO_ID)).toMatchObject({ status: 'deleted', uploaderId: UPLOADER_ID });
    await expect(stores.photos.getHashClaim(EVENT_ID, 'ab'.repeat(32))).resolves.toBeNull();
    expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(false);
    expect(stores.objects.has(renditionOf(PHOTO_ID))).toBe(false);
  });

  it('marks the upload before removing the record, and removes the record before the objects', async () => {
    const steps = {
      mark: vi.spyOn(stores.photos, 'markUploadDeleted'),
      record: vi.spyOn(stores.photos, 'deletePhotoRecord'),
      claim: vi.spyOn(stores.claims, 'releaseHash'),
      object: vi.spyOn(stores.objects, 'delete'),
    };
    await invoke();
    const order = Object.entries(steps)
      .flatMap(([step, spy]) => spy.mock.invocationCallOrder.map((position) => ({ step, position })))
      .sort((a, b) => a.position - b.position)
      .map(({ step }) => step);
    expect(order.slice(0, 3)).toEqual(['mark', 'record', 'claim']);
    expect(new Set(order.slice(3))).toEqual(new Set(['object']));
  });

  it('removes the published original and every rendition key of a pending photo, which no record names', async () => {
    const pending = '01890a5d-ac96-774b-bcce-b302099a805a';
    await stores.photos.savePendingUpload(uploadRecord({ photoId: pending }));
    // A processing run published them, then stopped before recording the photo.
    const published = [`photos/event_${EVENT_ID}/${pending}.jpg`, ...renditionObjectKeys(EVENT_ID, pending)];
    for (const key of published) stores.objects.put(key, jpegBytes(300));
    expect((await invoke(UPLOADER_ID, pending)).statusCode).toBe(204);
    expect(published.filter((key) => stores.objects.has(key))).toEqual([]);
  });

  it('answers 204 again on a repeat, and deletes the objects again (finishing an interrupted delete)', async () => {
    expect((await invoke()).statusCode).toBe(204);
    // An earlier delete stopped after the records: the upload's object is still there.
    stores.objects.put(keyOf(PHOTO_ID), jpegBytes(300));
    expect((await invoke()).statusCode).toBe(204);
    expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(false);
  });

  it('lets the organizer delete', async () => {
    expect((await invoke(ORGANIZER_ID)).statusCode).toBe(204);
    await expect(stores.photos.getPhoto(EVENT_ID, PHOTO_ID)).resolves.toBeNull();
  });

  it('refuses anyone else with 403 and deletes nothing', async () => {
    const result = await invoke(STRANGER);
    expect(result.statusCode).toBe(403);
    expect(jsonOf(result).error.code).toBe('Forbidden');
    await expect(stores.photos.getPhoto(EVENT_ID, PHOTO_ID)).resolves.not.toBeNull();
    expect(await stores.photos.getPendingUpload(EVENT_ID, PHOTO_ID)).not.toHaveProperty('status');
    expect(await stores.photos.getHashClaim(EVENT_ID, 'ab'.repeat(32))).toMatchObject({ photoId: PHOTO_ID });
    expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(true);
    expect(stores.objects.has(renditionOf(PHOTO_ID))).toBe(true);
  });

  it('deletes a pending photo: its upload is marked so processing will discard a late object', async () => {
    const pending = '01890a5d-ac96-774b-bcce-b302099a8058';
    await stores.photos.savePendingUpload(uploadRecord({ photoId: pending }));
    stores.objects.put(keyOf(pending), jpegBytes(300)); // arrived, not processed yet
    stores.objects.put(`photos/event_${EVENT_ID}/${pending}.jpg`, jpegBytes(300)); // published by a run that stopped before recording
    expect((await invoke(UPLOADER_ID, pending)).statusCode).toBe(204);
    expect(await stores.photos.getPendingUpload(EVENT_ID, pending)).toMatchObject({ status: 'deleted' });
    expect(stores.objects.has(keyOf(pending))).toBe(false);
    expect(stores.objects.has(`photos/event_${EVENT_ID}/${pending}.jpg`)).toBe(false);
  });

  it('deletes the objects of a photo processing wrote after the first read', async () => {
    const racing = '01890a5d-ac96-774b-bcce-b302099a8059';
    await stores.photos.savePendingUpload(uploadRecord({ photoId: racing }));
    // Processing writes the photo (with a rendition) between the delete's read and its mark.
    const mark = stores.photos.markUploadDeleted.bind(stores.photos);
    vi.spyOn(stores.photos, 'markUploadDeleted').mockImplementationOnce(async (...args) => {
      await stores.photos.savePhoto(photoRecord({ photoId: racing, objectKeys: [keyOf(racing), renditionOf(racing)] }));
      for (const key of [keyOf(racing), renditionOf(racing)]) stores.objects.put(key, jpegBytes(300));
      return mark(...args);
    });
    expect((await invoke(UPLOADER_ID, racing)).statusCode).toBe(204);
    await expect(stores.photos.getPhoto(EVENT_ID, racing)).resolves.toBeNull();
    expect(stores.objects.has(keyOf(racing))).toBe(false);
    expect(stores.objects.has(renditionOf(racing))).toBe(false);
  });

  it('answers 404 for a photo never seen, and for an unknown event', async () => {
    expect(jsonOf(await invoke(UPLOADER_ID, '01890a5d-ac96-774b-bcce-b3020990000f')).error.field).toBe('photoId');
    stores = fakeStores();
    handler = createHandler(stores, undefined, tokenGroups);
    expect(jsonOf(await invoke()).error.field).toBe('eventId');
  });
});
