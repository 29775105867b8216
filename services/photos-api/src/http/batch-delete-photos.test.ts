import { beforeEach, describe, expect, it, vi } from 'vitest';
import { uploadObjectKey } from '@event-photos/core';
import { fakeStores, RecordingCdnInvalidator, type FakeStores } from '@event-photos/testing/fakes';
import {
  FIXTURE_EVENT_ID as EVENT_ID,
  ORGANIZER_ID,
  UPLOADER_ID,
  eventRecord,
  jpegBytes,
  UNLIMITED_QUOTAS,
  photoRecord,
  seedMember,
  seedPhoto,
  uploadRecord,
} from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { httpEvent, jsonOf, lambdaContext } from '../test-support/events';
import { createHandler } from './batch-delete-photos';

const STRANGER = 'stranger-sub';
const id = (n: number) => `01890a5d-ac96-774b-bcce-${String(n).padStart(12, '0')}`;
const keyOf = (photoId: string) => uploadObjectKey(EVENT_ID, photoId, 'image/jpeg');
const shaOf = (photoId: string) => photoId.slice(-12).padStart(64, '0');
/** The claim of a member of the organizers group (tokenGroups reads it). */
const IN_ORGANIZERS = { 'cognito:groups': ['organizers'] };

let stores: FakeStores;
let cdn: RecordingCdnInvalidator;
let handler: ReturnType<typeof createHandler>;

function invoke(body: unknown, sub = UPLOADER_ID, claims: Record<string, string[]> = {}) {
  return handler(
    httpEvent({
      method: 'POST',
      path: '/events/x/photos/batch-delete',
      pathParameters: { eventId: EVENT_ID },
      body,
      claims: { sub, ...claims },
    }),
    lambdaContext(),
  );
}

/** A processed photo (its upload, record, claim and totals) and its object (distinct bytes: the event keeps one photo per content). */
async function storePhoto(photoId: string, uploaderId = UPLOADER_ID) {
  await seedPhoto(stores.photos, photoRecord({ photoId, uploaderId, sha256: shaOf(photoId) }));
  stores.objects.put(keyOf(photoId), jpegBytes(300));
}

beforeEach(async () => {
  stores = fakeStores();
  cdn = new RecordingCdnInvalidator();
  handler = createHandler({ ...stores, cdn }, undefined, tokenGroups);
  await stores.photos.createEvent(eventRecord());
  await seedMember(stores.members, EVENT_ID, UPLOADER_ID);
});

describe('batch-delete-photos', () => {
  it('answers one result per distinct id: deleted, notFound, forbidden', async () => {
    await storePhoto(id(1));
    await storePhoto(id(2), STRANGER);
    await stores.photos.reserveUpload(uploadRecord({ photoId: id(3) }), UNLIMITED_QUOTAS); // pending
    stores.objects.put(keyOf(id(3)), jpegBytes(300));
    const result = await invoke({ photoIds: [id(1), id(2), id(3), id(4), id(1)] });
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({
      results: [
        { photoId: id(1), status: 'deleted' },
        { photoId: id(2), status: 'forbidden' },
        { photoId: id(3), status: 'deleted' },
        { photoId: id(4), status: 'notFound' },
      ],
    });
    await expect(stores.photos.getPhoto(EVENT_ID, id(1))).resolves.toBeNull();
    await expect(stores.photos.getPhoto(EVENT_ID, id(2))).resolves.not.toBeNull();
    expect([id(1), id(2), id(3)].map((photoId) => stores.objects.has(keyOf(photoId)))).toEqual([false, true, false]);
    await expect(
      Promise.all([id(1), id(2), id(3)].map(async (photoId) => (await stores.photos.getUpload(EVENT_ID, photoId))?.status)),
    ).resolves.toEqual(['deleted', 'accepted', 'deleted']);
    // Each delete takes its photo out of the totals and releases its hash claim: the stranger's photo alone is left.
    await expect(stores.photos.storedTotals(EVENT_ID, UPLOADER_ID)).resolves.toEqual({
      user: { photos: 0, bytes: 0 },
      event: { photos: 1, bytes: 1234 },
    });
    await expect(stores.photos.getHashClaim(EVENT_ID, shaOf(id(1)))).resolves.toBeNull();
    expect(await stores.photos.getHashClaim(EVENT_ID, shaOf(id(2)))).toMatchObject({ photoId: id(2) });
  });

  it('asks the CDN once for every photo deleted, and for none it refused or did not find', async () => {
    await storePhoto(id(1));
    await storePhoto(id(2), STRANGER);
    await stores.photos.reserveUpload(uploadRecord({ photoId: id(3) }), UNLIMITED_QUOTAS); // pending
    await invoke({ photoIds: [id(1), id(2), id(3), id(4), id(1)] });
    expect(cdn.calls).toEqual([
      {
        eventId: EVENT_ID,
        photos: [
          { photoId: id(1), contentType: 'image/jpeg' },
          { photoId: id(3), contentType: 'image/jpeg' },
        ],
      },
    ]);
  });

  it('asks the CDN nothing when nothing was deleted', async () => {
    await storePhoto(id(2), STRANGER);
    await invoke({ photoIds: [id(2), id(4)] });
    expect(cdn.calls).toEqual([]);
  });

  it('answers 200 with the results when the CDN refuses: the photos stay deleted', async () => {
    await storePhoto(id(1));
    cdn.failWith = Object.assign(new Error('Too many'), { name: 'TooManyInvalidationsInProgress' });
    const result = await invoke({ photoIds: [id(1)] });
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({ results: [{ photoId: id(1), status: 'deleted' }] });
    await expect(stores.photos.getPhoto(EVENT_ID, id(1))).resolves.toBeNull();
  });

  it('fails the request on a failed delete, starts none still waiting, and still invalidates the photos deleted before it', async () => {
    const ids = Array.from({ length: 30 }, (_, n) => id(n + 1));
    for (const photoId of ids) await storePhoto(photoId);
    const deletePhoto = stores.photos.deletePhoto.bind(stores.photos);
    vi.spyOn(stores.photos, 'deletePhoto').mockImplementation(async (eventId, photoId, ...rest) => {
      if (photoId === id(5)) throw new Error('ProvisionedThroughputExceededException');
      return deletePhoto(eventId, photoId, ...rest);
    });
    expect((await invoke({ photoIds: ids })).statusCode).toBe(500);
    const gone = [];
    for (const photoId of ids) if ((await stores.photos.getPhoto(EVENT_ID, photoId)) === null) gone.push(photoId);
    expect(gone.length).toBeGreaterThan(0);
    expect(gone).not.toContain(id(30)); // waiting when id(5) failed: never started
    expect(cdn.photoIds()).toEqual([gone]);
  });

  it("lets the organizer delete everyone's photos while in the organizers group", async () => {
    await storePhoto(id(1));
    await storePhoto(id(2), STRANGER);
    const { results } = jsonOf(await invoke({ photoIds: [id(1), id(2)] }, ORGANIZER_ID, IN_ORGANIZERS));
    expect(results.map((r: { status: string }) => r.status)).toEqual(['deleted', 'deleted']);
  });

  it("refuses the event's organizer once out of the organizers group: 404 for the event, or forbidden as a member", async () => {
    await storePhoto(id(1));
    expect(jsonOf(await invoke({ photoIds: [id(1)] }, ORGANIZER_ID)).error).toMatchObject({ code: 'NotFound', field: 'eventId' });
    await seedMember(stores.members, EVENT_ID, ORGANIZER_ID);
    const { results } = jsonOf(await invoke({ photoIds: [id(1)] }, ORGANIZER_ID));
    expect(results).toEqual([{ photoId: id(1), status: 'forbidden' }]);
    await expect(stores.photos.getPhoto(EVENT_ID, id(1))).resolves.not.toBeNull();
  });

  it("answers a drop-box member notFound for another's photo (not forbidden: to them it is not there)", async () => {
    await seedMember(stores.members, EVENT_ID, STRANGER, { rights: { upload: true, viewOthers: false, downloadOriginals: false } });
    await storePhoto(id(1));
    await storePhoto(id(2), STRANGER);
    const { results } = jsonOf(await invoke({ photoIds: [id(1), id(2)] }, STRANGER));
    expect(results).toEqual([
      { photoId: id(1), status: 'notFound' },
      { photoId: id(2), status: 'deleted' },
    ]);
    await expect(stores.photos.getPhoto(EVENT_ID, id(1))).resolves.not.toBeNull();
  });

  it('deletes 100 photos in one request', async () => {
    const ids = Array.from({ length: 100 }, (_, n) => id(n));
    for (const photoId of ids) await storePhoto(photoId);
    const { results } = jsonOf(await invoke({ photoIds: ids }));
    expect(results.every((r: { status: string }) => r.status === 'deleted')).toBe(true);
    expect(ids.filter((photoId) => stores.objects.has(keyOf(photoId)))).toEqual([]);
    expect(cdn.photoIds()).toEqual([ids]); // one invalidation for the whole request
    await expect(stores.photos.countPhotos(EVENT_ID)).resolves.toBe(0);
    await expect(stores.photos.storedTotals(EVENT_ID, UPLOADER_ID)).resolves.toEqual({
      user: { photos: 0, bytes: 0 },
      event: { photos: 0, bytes: 0 },
    });
  });

  it.each([
    [{ photoIds: Array.from({ length: 101 }, (_, n) => id(n)) }, 'photoIds'],
    [{ photoIds: [] }, 'photoIds'],
    [{ photoIds: [id(1), 'nope'] }, 'photoIds.1'],
    [{ ids: [id(1)] }, 'photoIds'], // the missing field is named first
  ])('answers 400 for %j naming %s, deleting nothing', async (body, field) => {
    await storePhoto(id(1));
    const result = await invoke(body);
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe(field);
    await expect(stores.photos.getPhoto(EVENT_ID, id(1))).resolves.not.toBeNull();
    expect(stores.objects.has(keyOf(id(1)))).toBe(true);
  });

  it('answers 404 naming eventId for an unknown event, and for one the caller is no member of', async () => {
    await storePhoto(id(1));
    expect(jsonOf(await invoke({ photoIds: [id(1)] }, STRANGER)).error.field).toBe('eventId');
    await expect(stores.photos.getPhoto(EVENT_ID, id(1))).resolves.not.toBeNull();
    stores = fakeStores();
    handler = createHandler({ ...stores, cdn }, undefined, tokenGroups);
    expect(jsonOf(await invoke({ photoIds: [id(1)] })).error.field).toBe('eventId');
  });
});
