import { beforeEach, describe, expect, it, vi } from 'vitest';
import { publishedObjectKey, renditionObjectKeys, uploadObjectKey } from '@event-photos/core';
import { fakeStores, RecordingCdnInvalidator, type FakeStores } from '@event-photos/testing/fakes';
import {
  FIXTURE_EVENT_ID as EVENT_ID,
  ORGANIZER_ID,
  UNLIMITED_QUOTAS,
  UPLOADER_ID,
  eventRecord,
  jpegBytes,
  photoRecord,
  seedMember,
  seedPhoto,
  uploadRecord,
} from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { logger } from '#lib/logger';
import { httpEvent, jsonOf, lambdaContext } from '../test-support/events';
import { createHandler } from './delete-photo';

const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const SHA256 = 'ab'.repeat(32);
const STRANGER = 'stranger-sub';
/** The claim of a member of the organizers group (tokenGroups reads it). */
const IN_ORGANIZERS = { 'cognito:groups': ['organizers'] };
const keyOf = (photoId: string) => uploadObjectKey(EVENT_ID, photoId, 'image/jpeg');
const renditionOf = (photoId: string) => `renditions/${photoId}-small.webp`;
const NO_TOTALS = { user: { photos: 0, bytes: 0 }, event: { photos: 0, bytes: 0 } };
const ONE_PHOTO = { user: { photos: 1, bytes: 1234 }, event: { photos: 1, bytes: 1234 } };

let stores: FakeStores;
let cdn: RecordingCdnInvalidator;
let handler: ReturnType<typeof createHandler>;

function invoke(sub = UPLOADER_ID, photoId = PHOTO_ID, claims: Record<string, string[]> = {}) {
  return handler(
    httpEvent({ method: 'DELETE', path: '/events/x/photos/y', pathParameters: { eventId: EVENT_ID, photoId }, claims: { sub, ...claims } }),
    lambdaContext(),
  );
}

/** A processed photo with a rendition, as processing leaves it: upload, photo, hash claim, totals, objects. */
async function storePhoto(photoId: string) {
  const photo = await seedPhoto(stores.photos, photoRecord({ photoId, objectKeys: [keyOf(photoId), renditionOf(photoId)] }));
  for (const key of photo.objectKeys) stores.objects.put(key, jpegBytes(300));
  return photo;
}

beforeEach(async () => {
  stores = fakeStores();
  cdn = new RecordingCdnInvalidator();
  handler = createHandler({ ...stores, cdn }, undefined, tokenGroups);
  await stores.photos.createEvent(eventRecord());
  // Members, so that the rules below decide; the organizer too, for when the group no longer holds them.
  for (const member of [UPLOADER_ID, STRANGER, ORGANIZER_ID]) await seedMember(stores.members, EVENT_ID, member);
  await storePhoto(PHOTO_ID);
});

describe('delete-photo', () => {
  it('answers 204 with no body, marks the upload deleted, removes the record, its hash claim, its place in the totals and every object', async () => {
    await expect(stores.photos.storedTotals(EVENT_ID, UPLOADER_ID)).resolves.toEqual(ONE_PHOTO);
    const result = await invoke();
    expect(result.statusCode).toBe(204);
    expect(result.body).toBeUndefined();
    await expect(stores.photos.getPhoto(EVENT_ID, PHOTO_ID)).resolves.toBeNull();
    expect(await stores.photos.getUpload(EVENT_ID, PHOTO_ID)).toMatchObject({ status: 'deleted', uploaderId: UPLOADER_ID });
    await expect(stores.photos.getHashClaim(EVENT_ID, SHA256)).resolves.toBeNull();
    await expect(stores.photos.storedTotals(EVENT_ID, UPLOADER_ID)).resolves.toEqual(NO_TOTALS);
    expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(false);
    expect(stores.objects.has(renditionOf(PHOTO_ID))).toBe(false);
  });

  it('asks the CDN, once, to forget the deleted photo, naming its content type', async () => {
    expect((await invoke()).statusCode).toBe(204);
    expect(cdn.calls).toEqual([{ eventId: EVENT_ID, photos: [{ photoId: PHOTO_ID, contentType: 'image/jpeg' }] }]);
  });

  it('asks the CDN again on a repeat, which finishes a delete that stopped before it', async () => {
    await invoke();
    await invoke();
    expect(cdn.photoIds()).toEqual([[PHOTO_ID], [PHOTO_ID]]);
  });

  it('answers 204 and keeps the delete when the CDN refuses, logging why', async () => {
    cdn.failWith = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    const logged = vi.spyOn(logger, 'error');
    expect((await invoke()).statusCode).toBe(204);
    await expect(stores.photos.getPhoto(EVENT_ID, PHOTO_ID)).resolves.toBeNull();
    expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(false);
    expect(cdn.calls).toHaveLength(1);
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^CDN invalidation failed/), {
      eventId: EVENT_ID,
      photoIds: [PHOTO_ID],
      error: cdn.failWith,
    });
    logged.mockRestore();
  });

  // The mark, the record, the claim and the totals are one transaction (PhotoStore.deletePhoto).
  it('removes the records in one call, before any object', async () => {
    const steps = { records: vi.spyOn(stores.photos, 'deletePhoto'), object: vi.spyOn(stores.objects, 'delete') };
    await invoke();
    const order = Object.entries(steps)
      .flatMap(([step, spy]) => spy.mock.invocationCallOrder.map((position: number) => ({ step, position })))
      .sort((a, b) => a.position - b.position)
      .map(({ step }) => step);
    expect(steps.records).toHaveBeenCalledTimes(1);
    expect(order[0]).toBe('records');
    expect(new Set(order.slice(1))).toEqual(new Set(['object']));
  });

  it('removes the published original and every rendition key of a pending photo, which no record names', async () => {
    const pending = '01890a5d-ac96-774b-bcce-b302099a805a';
    await stores.photos.reserveUpload(uploadRecord({ photoId: pending }), UNLIMITED_QUOTAS);
    // A processing run published them, then stopped before recording the photo.
    const published = [publishedObjectKey(EVENT_ID, pending, 'image/jpeg'), ...renditionObjectKeys(EVENT_ID, pending)];
    for (const key of published) stores.objects.put(key, jpegBytes(300));
    expect((await invoke(UPLOADER_ID, pending)).statusCode).toBe(204);
    expect(published.filter((key) => stores.objects.has(key))).toEqual([]);
  });

  it('deletes a photo only accepted (its objects being published): record, claim, totals and every object, rendition keys included', async () => {
    const accepted = '01890a5d-ac96-774b-bcce-b302099a805b';
    const sha256 = 'cd'.repeat(32);
    const published = publishedObjectKey(EVENT_ID, accepted, 'image/jpeg');
    const renditions = renditionObjectKeys(EVENT_ID, accepted);
    // The record names what processing rendered (one width); a run may have written any of them, and the upload is still there.
    const keys = [keyOf(accepted), published, ...renditions];
    await seedPhoto(stores.photos, photoRecord({ photoId: accepted, sha256, objectKeys: [published, renditions[0]!] }), { ready: false });
    for (const key of keys) stores.objects.put(key, jpegBytes(300));
    await expect(stores.photos.getPhoto(EVENT_ID, accepted)).resolves.toBeNull(); // not ready: only its upload says it exists
    expect((await invoke(UPLOADER_ID, accepted)).statusCode).toBe(204);
    expect(await stores.photos.getUpload(EVENT_ID, accepted)).toMatchObject({ status: 'deleted', uploaderId: UPLOADER_ID });
    await expect(stores.photos.markPhotoReady(EVENT_ID, accepted, '2026-05-01T10:00:09.000Z')).resolves.toBe(false); // no record left
    await expect(stores.photos.getHashClaim(EVENT_ID, sha256)).resolves.toBeNull();
    await expect(stores.photos.storedTotals(EVENT_ID, UPLOADER_ID)).resolves.toEqual(ONE_PHOTO); // PHOTO_ID's alone
    expect(keys.filter((key) => stores.objects.has(key))).toEqual([]);
    // The ready photo is untouched.
    await expect(stores.photos.getPhoto(EVENT_ID, PHOTO_ID)).resolves.not.toBeNull();
    expect(await stores.photos.getHashClaim(EVENT_ID, SHA256)).toMatchObject({ photoId: PHOTO_ID });
  });

  it('answers 204 again on a repeat, and deletes the objects again (finishing an interrupted delete)', async () => {
    expect((await invoke()).statusCode).toBe(204);
    // An earlier delete stopped after the records: the upload's object is still there.
    stores.objects.put(keyOf(PHOTO_ID), jpegBytes(300));
    expect((await invoke()).statusCode).toBe(204);
    expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(false);
    // The repeat takes nothing more out of the totals.
    await expect(stores.photos.storedTotals(EVENT_ID, UPLOADER_ID)).resolves.toEqual(NO_TOTALS);
  });

  it('lets the organizer delete while in the organizers group', async () => {
    expect((await invoke(ORGANIZER_ID, PHOTO_ID, IN_ORGANIZERS)).statusCode).toBe(204);
    await expect(stores.photos.getPhoto(EVENT_ID, PHOTO_ID)).resolves.toBeNull();
    await expect(stores.photos.storedTotals(EVENT_ID, UPLOADER_ID)).resolves.toEqual(NO_TOTALS);
  });

  it.each([
    ['anyone else', STRANGER, {}],
    ['another member of the organizers group', STRANGER, IN_ORGANIZERS],
    ["the event's organizer once out of the organizers group", ORGANIZER_ID, {}],
  ])('refuses %s with 403 and deletes nothing', async (_name, sub, claims) => {
    const result = await invoke(sub, PHOTO_ID, claims);
    expect(result.statusCode).toBe(403);
    expect(jsonOf(result).error.code).toBe('Forbidden');
    await expect(stores.photos.getPhoto(EVENT_ID, PHOTO_ID)).resolves.not.toBeNull();
    expect(await stores.photos.getUpload(EVENT_ID, PHOTO_ID)).toMatchObject({ status: 'accepted' });
    expect(await stores.photos.getHashClaim(EVENT_ID, SHA256)).toMatchObject({ photoId: PHOTO_ID });
    await expect(stores.photos.storedTotals(EVENT_ID, UPLOADER_ID)).resolves.toEqual(ONE_PHOTO);
    expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(true);
    expect(stores.objects.has(renditionOf(PHOTO_ID))).toBe(true);
    expect(cdn.calls).toEqual([]);
  });

  it.each([
    ['a stranger, as for an unknown event', 'outsider-sub', 'eventId'],
    ['a member who sees only their own photos, as for an unknown photo', 'guest-sub', 'photoId'],
  ])('answers 404 to %s, and deletes nothing', async (_name, sub, field) => {
    await seedMember(stores.members, EVENT_ID, 'guest-sub', { rights: { upload: true, viewOthers: false, downloadOriginals: false } });
    expect(jsonOf(await invoke(sub))).toMatchObject({ error: { code: 'NotFound', field } });
    await expect(stores.photos.getPhoto(EVENT_ID, PHOTO_ID)).resolves.not.toBeNull();
    expect(stores.objects.has(keyOf(PHOTO_ID))).toBe(true);
    expect(cdn.calls).toEqual([]);
  });

  it('deletes a pending photo: its upload is marked so processing will discard a late object', async () => {
    const pending = '01890a5d-ac96-774b-bcce-b302099a8058';
    await stores.photos.reserveUpload(uploadRecord({ photoId: pending }), UNLIMITED_QUOTAS);
    stores.objects.put(keyOf(pending), jpegBytes(300)); // arrived, not processed yet
    stores.objects.put(publishedObjectKey(EVENT_ID, pending, 'image/jpeg'), jpegBytes(300)); // published by a run that stopped before recording
    expect((await invoke(UPLOADER_ID, pending)).statusCode).toBe(204);
    expect(await stores.photos.getUpload(EVENT_ID, pending)).toMatchObject({ status: 'deleted' });
    expect(stores.objects.has(keyOf(pending))).toBe(false);
    expect(stores.objects.has(publishedObjectKey(EVENT_ID, pending, 'image/jpeg'))).toBe(false);
    // A late accept finds the upload deleted.
    const late = await stores.photos.acceptPhoto(photoRecord({ photoId: pending, sha256: 'ef'.repeat(32) }), UNLIMITED_QUOTAS);
    expect(late).toMatchObject({ accepted: false, because: 'notPending' });
  });

  it('deletes the record and objects of a photo processing accepted after the first read', async () => {
    const racing = '01890a5d-ac96-774b-bcce-b302099a8059';
    const sha256 = 'cd'.repeat(32);
    await stores.photos.reserveUpload(uploadRecord({ photoId: racing }), UNLIMITED_QUOTAS);
    // Processing accepts the photo (with a rendition) between the delete's reads and its transaction.
    const deletePhoto = stores.photos.deletePhoto.bind(stores.photos);
    vi.spyOn(stores.photos, 'deletePhoto').mockImplementationOnce(async (...args) => {
      const photo = photoRecord({ photoId: racing, sha256, objectKeys: [keyOf(racing), renditionOf(racing)] });
      expect(await stores.photos.acceptPhoto(photo, UNLIMITED_QUOTAS)).toEqual({ accepted: true });
      for (const key of photo.objectKeys) stores.objects.put(key, jpegBytes(300));
      return deletePhoto(...args);
    });
    expect((await invoke(UPLOADER_ID, racing)).statusCode).toBe(204);
    await expect(stores.photos.markPhotoReady(EVENT_ID, racing, '2026-05-01T10:00:09.000Z')).resolves.toBe(false);
    await expect(stores.photos.getHashClaim(EVENT_ID, sha256)).resolves.toBeNull();
    await expect(stores.photos.storedTotals(EVENT_ID, UPLOADER_ID)).resolves.toEqual(ONE_PHOTO); // PHOTO_ID's alone
    expect(stores.objects.has(keyOf(racing))).toBe(false);
    expect(stores.objects.has(renditionOf(racing))).toBe(false);
  });

  it('answers 404 for a photo never seen, and for an unknown event', async () => {
    expect(jsonOf(await invoke(UPLOADER_ID, '01890a5d-ac96-774b-bcce-b3020990000f')).error.field).toBe('photoId');
    stores = fakeStores();
    handler = createHandler({ ...stores, cdn }, undefined, tokenGroups);
    expect(jsonOf(await invoke()).error.field).toBe('eventId');
  });
});
