import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import {
  FIXTURE_EVENT_ID as EVENT_ID,
  UNLIMITED_QUOTAS,
  eventRecord,
  photoRecord,
  seedMember,
  seedPhoto,
  uploadRecord,
} from '@event-photos/testing/fixtures';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext } from '../test-support/events';
import { expectSignedUrls, publishedPhoto, signedView, testSigner } from '../test-support/cdn-signer';
import { createHandler } from './get-photo';

/** The caller's access where it does not change the view (their own photos): as the organizer. */
const OWN = { kind: 'organizer' } as const;

const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const text = { title: '키노트 연설 🎤', description: 'Opening talk', uploaderId: 'user-1' };
const photo = photoRecord({ photoId: PHOTO_ID, ...text });
const pending = uploadRecord({ photoId: PHOTO_ID, ...text });
/** What the uploader sees of the upload: no object key, expiry or sub. */
const { objectKey: _key, expiresAt: _expires, uploaderId: _uploader, ...visible } = pending;

let stores: FakeStores;
let handler: ReturnType<typeof createHandler>;

function invoke(pathParameters: Record<string, string> = { eventId: EVENT_ID, photoId: PHOTO_ID }, sub = TEST_SUB) {
  return handler(httpEvent({ path: '/events/x/photos/y', pathParameters, claims: { sub } }), lambdaContext());
}

beforeEach(async () => {
  stores = fakeStores();
  handler = createHandler(stores, undefined, testSigner);
  await stores.photos.createEvent(eventRecord());
  await seedMember(stores.members, EVENT_ID, TEST_SUB);
});

describe('get-photo', () => {
  it("signs a ready photo's URL and rendition URLs", async () => {
    await seedPhoto(stores.photos, publishedPhoto({ photoId: PHOTO_ID, ...text }));
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    expectSignedUrls(jsonOf(result));
  });

  it('returns a processed photo as ready', async () => {
    await seedPhoto(stores.photos, photo);
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({ ...signedView(photo, TEST_SUB, OWN), status: 'ready' });
  });

  // The TTL never leaves the adapter (photo-repository.test.ts, getUpload).
  it('returns a pending upload without its object key or expiry', async () => {
    await stores.photos.reserveUpload(pending, UNLIMITED_QUOTAS);
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({ ...visible, mine: false, status: 'pending' });
  });

  it('returns an accepted upload as pending while its photo is not ready (its objects are being published)', async () => {
    await seedPhoto(stores.photos, photo, { ready: false });
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({ ...visible, mine: false, status: 'pending' });
  });

  it('returns a rejected upload with its reason', async () => {
    await stores.photos.reserveUpload(pending, UNLIMITED_QUOTAS);
    await stores.photos.rejectUpload(EVENT_ID, PHOTO_ID, 'The file is text/html, not the declared image/jpeg');
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    const body = jsonOf(result);
    expect(body.status).toBe('rejected');
    expect(body.rejectionReason).toBe('The file is text/html, not the declared image/jpeg');
    expect(body).not.toHaveProperty('objectKey');
  });

  it("shows the uploader by name with mine: true to the uploader, and never the uploader's sub", async () => {
    await seedPhoto(stores.photos, { ...photo, uploaderId: TEST_SUB });
    const body = jsonOf(await invoke());
    expect(body).toMatchObject({ uploaderName: 'ana', mine: true });
    expect(body).not.toHaveProperty('uploaderId');
    expect(body).not.toHaveProperty('objectKeys');
  });

  it.each([
    ['ready', true],
    ['only accepted', false],
  ])('answers 404 for a deleted photo (%s)', async (_name, ready) => {
    await seedPhoto(stores.photos, photo, { ready });
    await stores.photos.deletePhoto(EVENT_ID, PHOTO_ID, 'user-1');
    expect((await invoke()).statusCode).toBe(404);
  });

  it('answers 404 for a deleted photo whose record was read before the delete (the upload says deleted)', async () => {
    await seedPhoto(stores.photos, photo);
    // The two reads straddle the delete's transaction: the photo read before it, the upload after.
    vi.spyOn(stores.photos, 'getPhoto').mockResolvedValueOnce(photo);
    await stores.photos.deletePhoto(EVENT_ID, PHOTO_ID, 'user-1');
    expect((await invoke()).statusCode).toBe(404);
  });

  it('answers 404 for a deleted pending upload', async () => {
    await stores.photos.reserveUpload(pending, UNLIMITED_QUOTAS);
    await stores.photos.deletePhoto(EVENT_ID, PHOTO_ID, 'user-1');
    expect((await invoke()).statusCode).toBe(404);
  });

  it('prefers the photo when both exist', async () => {
    await seedPhoto(stores.photos, photo);
    expect((await stores.photos.getUpload(EVENT_ID, PHOTO_ID))?.status).toBe('accepted');
    expect(jsonOf(await invoke()).status).toBe('ready');
  });

  it('returns 404 naming photoId when neither exists', async () => {
    const result = await invoke();
    expect(result.statusCode).toBe(404);
    const { error } = jsonOf(result);
    expect(error.code).toBe('NotFound');
    expect(error.field).toBe('photoId');
    expect(error.message).toContain(PHOTO_ID);
  });

  it('does not find a photo of another event', async () => {
    await seedPhoto(stores.photos, { ...photo, eventId: 'other' });
    expect((await invoke()).statusCode).toBe(404);
  });

  describe("who sees it: the event's organizer and members only, and a drop-box member their own photos only", () => {
    const DROP_BOX = { upload: true, viewOthers: false, downloadOriginals: false };

    it('answers a stranger 404 naming the event, as for an event that does not exist, reading no photo', async () => {
      await seedPhoto(stores.photos, photo);
      const reads = [vi.spyOn(stores.photos, 'getPhoto'), vi.spyOn(stores.photos, 'getUpload')];
      const result = await invoke(undefined, 'stranger-sub');
      expect(result.statusCode).toBe(404);
      expect(jsonOf(result)).toEqual({ error: { code: 'NotFound', message: `Event ${EVENT_ID} does not exist`, field: 'eventId' } });
      for (const read of reads) expect(read).not.toHaveBeenCalled();
    });

    it("answers a drop-box member 404 for another's photo or upload, as for one that does not exist", async () => {
      await seedMember(stores.members, EVENT_ID, 'guest-sub', { rights: DROP_BOX });
      await stores.photos.reserveUpload(pending, UNLIMITED_QUOTAS);
      expect(jsonOf(await invoke(undefined, 'guest-sub'))).toMatchObject({ error: { code: 'NotFound', field: 'photoId' } });
      await stores.photos.acceptPhoto(photo, UNLIMITED_QUOTAS);
      await stores.photos.markPhotoReady(EVENT_ID, PHOTO_ID, photo.createdAt);
      expect((await invoke(undefined, 'guest-sub')).statusCode).toBe(404);
      expect((await invoke()).statusCode).toBe(200);
    });

    it('shows a drop-box member their own photo, and their duplicate upload without the photo that holds the bytes', async () => {
      await seedMember(stores.members, EVENT_ID, 'user-1', { rights: DROP_BOX });
      await seedPhoto(stores.photos, photo);
      expect(jsonOf(await invoke(undefined, 'user-1'))).toMatchObject({ photoId: PHOTO_ID, status: 'ready', mine: true });
      const OTHER = '01890a5d-ac96-774b-bcce-000000000009';
      await stores.photos.reserveUpload(uploadRecord({ photoId: OTHER, uploaderId: 'user-1' }), UNLIMITED_QUOTAS);
      await stores.photos.markUploadDuplicate(EVENT_ID, OTHER, 'someone-elses-photo');
      const duplicate = jsonOf(await invoke({ eventId: EVENT_ID, photoId: OTHER }, 'user-1'));
      expect(duplicate).toMatchObject({ status: 'duplicate', mine: true });
      expect(duplicate).not.toHaveProperty('duplicateOf');
      await seedMember(stores.members, EVENT_ID, 'user-1', { rights: { ...DROP_BOX, viewOthers: true } });
      expect(jsonOf(await invoke({ eventId: EVENT_ID, photoId: OTHER }, 'user-1')).duplicateOf).toBe('someone-elses-photo');
    });
  });

  it.each([
    ['photoId', { eventId: EVENT_ID, photoId: 'not-a-uuid' }],
    ['photoId', { eventId: EVENT_ID, photoId: PHOTO_ID.toUpperCase() }],
    ['photoId', { eventId: EVENT_ID, photoId: `../${PHOTO_ID}` }],
    ['photoId', { eventId: EVENT_ID }],
    ['eventId', { eventId: '..', photoId: PHOTO_ID }],
    ['eventId', { eventId: 'a/b', photoId: PHOTO_ID }],
  ])('returns 400 on field %s for %j', async (field, pathParameters) => {
    const reads = [vi.spyOn(stores.photos, 'getPhoto'), vi.spyOn(stores.photos, 'getUpload')];
    const result = await invoke(pathParameters);
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe(field);
    for (const read of reads) expect(read).not.toHaveBeenCalled();
  });
});
