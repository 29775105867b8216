import { beforeEach, describe, expect, it } from 'vitest';
import {
  ValidationError,
  foldForSearch,
  type Acceptance,
  type Photo,
  type PhotoListRequest,
  type PhotoLister,
  type PhotoStore,
  type UploadQuotas,
} from '@event-photos/core';
import { eventRecord, photoRecord, uploadRecord, uploadRecordOf } from '#lib/store-records';
import { UNLIMITED_QUOTAS, seedPhoto } from '#lib/seed-photos';
import { GARBAGE_CURSORS, allPages, pageOf, refusedCursor } from '#lib/contract-helpers';

export interface PhotoStoreSubject {
  photos: PhotoStore;
  /** Lists the photos `photos` writes. */
  listing: PhotoLister;
}

const EVENT = 'summit-2026';
const OTHER_EVENT = 'other-event';
/** UUIDv7-shaped ids in upload order: id(2) was uploaded after id(1). */
const id = (n: number) => `01890a5d-ac96-774b-bcce-${String(n).padStart(12, '0')}`;
/** Distinct bytes per photo number: the same n, the same bytes. */
const sha = (n: number) => n.toString(16).padStart(64, '0');
/** Photo n of the event, with bytes of its own. */
const photoOf = (n: number, overrides: Partial<Photo> = {}) =>
  photoRecord({ eventId: EVENT, photoId: id(n), sha256: sha(n), ...overrides });
const NOW = new Date('2026-05-01T10:01:00.000Z');
const LATER = new Date('2026-05-01T10:02:00.000Z');
const NO_TOTALS = { user: { photos: 0, bytes: 0 }, event: { photos: 0, bytes: 0 } };
/** A short random wait, so concurrent calls interleave differently each time. */
const jitter = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 4));

/**
 * What photo-store.ts promises, as one suite: run against the in-memory fake and against the
 * DynamoDB adapters on a local DynamoDB. `subject` gives empty stores for each test.
 */
export function photoStoreContract(name: string, subject: () => Promise<PhotoStoreSubject>): void {
  describe(`${name}: the PhotoStore contract`, () => {
    let photos: PhotoStore;
    let listing: PhotoLister;
    beforeEach(async () => {
      ({ photos, listing } = await subject());
    });
    const seed = (photo: Photo, options?: { ready?: boolean }) => seedPhoto(photos, photo, options);
    /** Reserves the upload of the photo, without limits: what initiate-upload did before processing. */
    const reserveFor = async (photo: Photo) =>
      expect(await photos.reserveUpload(uploadRecordOf(photo), UNLIMITED_QUOTAS, NOW)).toStrictEqual({ reserved: true });
    /** The ids of the event's list, of its one uploader's list, and of the feed from `since`. */
    const listed = async (eventId: string, request: Omit<PhotoListRequest, 'limit'> = {}) =>
      (await listing.listPhotos(eventId, { limit: 100, ...request })).items.map((photo) => photo.photoId);

    describe('events', () => {
      it('creates an event once and reads it back as given', async () => {
        const event = eventRecord({ eventId: EVENT });
        await expect(photos.createEvent(event)).resolves.toBe(true);
        await expect(photos.createEvent({ ...event, name: 'Impostor' })).resolves.toBe(false);
        await expect(photos.getEvent(EVENT)).resolves.toStrictEqual(event);
        await expect(photos.getEvent(OTHER_EVENT)).resolves.toBeNull();
      });

      it('keeps an event without an organizer or description as such', async () => {
        const legacy = eventRecord({ eventId: EVENT, organizerId: undefined, description: undefined, open: undefined });
        await photos.createEvent(legacy);
        await expect(photos.getEvent(EVENT)).resolves.toStrictEqual(legacy);
      });

      it('lets the organizer change the given fields only, and returns the event as written', async () => {
        const event = eventRecord({ eventId: EVENT, organizerId: 'organizer', description: 'Day one' });
        await photos.createEvent(event);
        const updated = await photos.updateEvent(EVENT, 'organizer', { open: false, name: 'Renamed', description: undefined });
        expect(updated).toStrictEqual({ ...event, open: false, name: 'Renamed' });
        await expect(photos.getEvent(EVENT)).resolves.toStrictEqual(updated);
      });

      it('changes nothing for anyone but the organizer, for an event without one, or an unknown event', async () => {
        const event = eventRecord({ eventId: EVENT, organizerId: 'organizer' });
        await photos.createEvent(event);
        await expect(photos.updateEvent(EVENT, 'someone-else', { open: false })).resolves.toBeNull();
        await expect(photos.getEvent(EVENT)).resolves.toStrictEqual(event);

        const legacy = eventRecord({ eventId: OTHER_EVENT, organizerId: undefined });
        await photos.createEvent(legacy);
        await expect(photos.updateEvent(OTHER_EVENT, 'organizer', { open: false })).resolves.toBeNull();
        await expect(photos.getEvent(OTHER_EVENT)).resolves.toStrictEqual(legacy);

        await expect(photos.updateEvent('unknown', 'organizer', { open: false })).resolves.toBeNull();
        await expect(photos.getEvent('unknown')).resolves.toBeNull();
      });

      it("counts the event's ready photos only", async () => {
        await expect(photos.countPhotos(EVENT)).resolves.toBe(0);
        for (const n of [1, 2, 3]) await seed(photoOf(n));
        await seed(photoOf(4, { eventId: OTHER_EVENT }));
        await reserveFor(photoOf(5));
        await seed(photoOf(6), { ready: false });
        await photos.deletePhoto(EVENT, id(3), 'organizer', NOW);
        await expect(photos.countPhotos(EVENT)).resolves.toBe(2);
      });

      it("counts one uploader's ready photos", async () => {
        for (const n of [1, 2]) await seed(photoOf(n, { uploaderId: 'ana' }));
        await seed(photoOf(3, { uploaderId: 'ben' }));
        await seed(photoOf(4, { uploaderId: 'ana' }), { ready: false });
        await seed(photoOf(5, { eventId: OTHER_EVENT, uploaderId: 'ana' }));
        await expect(photos.countPhotos(EVENT, 'ana')).resolves.toBe(2);
        await expect(photos.countPhotos(EVENT, 'ben')).resolves.toBe(1);
        await expect(photos.countPhotos(EVENT, 'nobody')).resolves.toBe(0);
      });
    });

    describe('reserving uploads', () => {
      const quotas: UploadQuotas = {
        ...UNLIMITED_QUOTAS,
        userUploadsPerHour: 2,
        userBytesPerHour: 1000,
        eventUploadsPerHour: 3,
        eventBytesPerHour: 10_000,
      };
      const at = new Date('2026-05-01T10:59:30.000Z');
      const upload = (n: number, uploaderId: string, size: number, eventId = EVENT) =>
        uploadRecord({ eventId, photoId: id(n), uploaderId, size });

      it('records the upload pending and reads it back; another upload with its photoId throws, counting nothing', async () => {
        const first = upload(1, 'ana', 100);
        await expect(photos.reserveUpload(first, quotas, at)).resolves.toStrictEqual({ reserved: true });
        await expect(photos.getUpload(EVENT, id(1))).resolves.toStrictEqual({ ...first, status: 'pending' });
        await expect(photos.getUpload(OTHER_EVENT, id(1))).resolves.toBeNull();
        await expect(photos.reserveUpload({ ...first, title: 'Again' }, quotas, at)).rejects.toThrow(`Upload ${id(1)} already exists`);
        await expect(photos.getUpload(EVENT, id(1))).resolves.toStrictEqual(first);
        // Had the throw counted, ana's second upload would be her third this hour.
        await expect(photos.reserveUpload(upload(2, 'ana', 100), quotas, at)).resolves.toStrictEqual({ reserved: true });
        await expect(photos.reserveUpload(upload(3, 'ana', 100), quotas, at)).resolves.toMatchObject({ reserved: false, scope: 'user' });
      });

      it("counts an uploader's uploads and bytes per clock hour, and the event's, and records none it refuses", async () => {
        await expect(photos.reserveUpload(upload(1, 'ana', 400), quotas, at)).resolves.toStrictEqual({ reserved: true });
        await expect(photos.reserveUpload(upload(2, 'ana', 700), quotas, at)).resolves.toStrictEqual({
          reserved: false,
          scope: 'user',
          retryAfterSeconds: 30,
        });
        await expect(photos.getUpload(EVENT, id(2))).resolves.toBeNull();
        await expect(photos.reserveUpload(upload(3, 'ana', 600), quotas, at)).resolves.toStrictEqual({ reserved: true });
        await expect(photos.reserveUpload(upload(4, 'ana', 1), quotas, at)).resolves.toMatchObject({ reserved: false, scope: 'user' });
        await expect(photos.reserveUpload(upload(5, 'bo', 1), quotas, at)).resolves.toStrictEqual({ reserved: true });
        // The event's third upload this hour was bo's; the fourth is refused for everyone.
        await expect(photos.reserveUpload(upload(6, 'cy', 1), quotas, at)).resolves.toMatchObject({ reserved: false, scope: 'event' });
        await expect(photos.getUpload(EVENT, id(6))).resolves.toBeNull();
        // A new hour, or another event, counts from zero.
        await expect(photos.reserveUpload(upload(7, 'ana', 1), quotas, new Date('2026-05-01T11:00:00.000Z'))).resolves.toStrictEqual({
          reserved: true,
        });
        await expect(photos.reserveUpload(upload(8, 'ana', 1, OTHER_EVENT), quotas, at)).resolves.toStrictEqual({ reserved: true });
        // Reservations are not what the event holds.
        await expect(photos.storedTotals(EVENT, 'ana')).resolves.toStrictEqual(NO_TOTALS);
      });

      it("counts nothing for the uploader when the event's quota refuses", async () => {
        const tight = { ...quotas, userUploadsPerHour: 10, eventUploadsPerHour: 1 };
        await expect(photos.reserveUpload(upload(1, 'bo', 1), tight, at)).resolves.toStrictEqual({ reserved: true });
        for (let attempt = 0; attempt < 12; attempt++)
          await expect(photos.reserveUpload(upload(10 + attempt, 'ana', 1), tight, at)).resolves.toMatchObject({ scope: 'event' });
        // Had the refusals counted, ana would now be over her own 10.
        await expect(photos.reserveUpload(upload(2, 'ana', 1), { ...tight, eventUploadsPerHour: 100 }, at)).resolves.toStrictEqual({
          reserved: true,
        });
      });

      it('refuses an upload bigger than a bytes limit on its own, before anything is counted', async () => {
        await expect(photos.reserveUpload(upload(1, 'ana', 1001), quotas, at)).resolves.toMatchObject({ reserved: false, scope: 'user' });
        const bigUser = { ...quotas, userBytesPerHour: 100_000 };
        await expect(photos.reserveUpload(upload(2, 'ana', 10_001), bigUser, at)).resolves.toMatchObject({
          reserved: false,
          scope: 'event',
        });
        await expect(photos.getUpload(EVENT, id(1))).resolves.toBeNull();
        await expect(photos.getUpload(EVENT, id(2))).resolves.toBeNull();
        await expect(photos.reserveUpload(upload(3, 'ana', 1000), quotas, at)).resolves.toStrictEqual({ reserved: true });
      });
    });

    describe('settling pending uploads', () => {
      it('marks a pending upload rejected with its reason', async () => {
        const upload = uploadRecord({ eventId: EVENT, photoId: id(1) });
        await photos.reserveUpload(upload, UNLIMITED_QUOTAS, NOW);
        await photos.rejectUpload(EVENT, id(1), 'The file is text/html', NOW);
        await expect(photos.getUpload(EVENT, id(1))).resolves.toStrictEqual({
          ...upload,
          status: 'rejected',
          rejectionReason: 'The file is text/html',
          rejectedAt: NOW.toISOString(),
        });
      });

      it('marks a pending upload a duplicate of another photo', async () => {
        const upload = uploadRecord({ eventId: EVENT, photoId: id(2) });
        await photos.reserveUpload(upload, UNLIMITED_QUOTAS, NOW);
        await photos.markUploadDuplicate(EVENT, id(2), id(1), NOW);
        await expect(photos.getUpload(EVENT, id(2))).resolves.toStrictEqual({
          ...upload,
          status: 'duplicate',
          duplicateOf: id(1),
          duplicateAt: NOW.toISOString(),
        });
      });

      it('changes no upload that is gone or no longer pending, and creates none', async () => {
        await photos.rejectUpload(EVENT, id(1), 'reason', NOW);
        await photos.markUploadDuplicate(EVENT, id(1), id(9), NOW);
        await expect(photos.getUpload(EVENT, id(1))).resolves.toBeNull();

        await seed(photoOf(2), { ready: false });
        await reserveFor(photoOf(3));
        await photos.deletePhoto(EVENT, id(3), 'caller', NOW);
        await reserveFor(photoOf(4));
        await photos.rejectUpload(EVENT, id(4), 'first', NOW);
        await reserveFor(photoOf(5));
        await photos.markUploadDuplicate(EVENT, id(5), id(9), NOW);
        const before = await Promise.all([2, 3, 4, 5].map((n) => photos.getUpload(EVENT, id(n))));
        expect(before.map((upload) => upload?.status)).toEqual(['accepted', 'deleted', 'rejected', 'duplicate']);
        for (const n of [2, 3, 4, 5]) {
          await photos.rejectUpload(EVENT, id(n), 'again', LATER);
          await photos.markUploadDuplicate(EVENT, id(n), id(8), LATER);
        }
        await expect(Promise.all([2, 3, 4, 5].map((n) => photos.getUpload(EVENT, id(n))))).resolves.toStrictEqual(before);
      });
    });

    describe('accepting photos', () => {
      it('records, claims, counts and marks the upload accepted; the photo stays out of sight until ready', async () => {
        const photo = photoOf(1, { uploaderId: 'ana', size: 300 });
        await reserveFor(photo);
        const before = await listing.listPhotos(EVENT, { limit: 10 });
        await expect(photos.acceptPhoto(photo, UNLIMITED_QUOTAS, NOW)).resolves.toStrictEqual({ accepted: true });
        await expect(photos.getUpload(EVENT, id(1))).resolves.toStrictEqual({
          ...uploadRecordOf(photo),
          status: 'accepted',
          acceptedAt: NOW.toISOString(),
        });
        await expect(photos.getHashClaim(EVENT, sha(1))).resolves.toStrictEqual({
          sha256: sha(1),
          photoId: id(1),
          claimedAt: NOW.toISOString(),
        });
        await expect(photos.storedTotals(EVENT, 'ana')).resolves.toStrictEqual({
          user: { photos: 1, bytes: 300 },
          event: { photos: 1, bytes: 300 },
        });
        // Accepted, not ready: no GET, no count, no list, no feed, no edit.
        await expect(photos.getPhoto(EVENT, id(1))).resolves.toBeNull();
        await expect(photos.countPhotos(EVENT)).resolves.toBe(0);
        expect(await listed(EVENT)).toEqual([]);
        expect(await listed(EVENT, { uploaderId: 'ana' })).toEqual([]);
        expect(await listed(EVENT, { q: foldForSearch(photo.title) })).toEqual([]);
        expect(await listed(EVENT, { since: before.feedCursor! })).toEqual([]);
        await expect(photos.updatePhotoText(EVENT, id(1), { title: 'Early' })).resolves.toBeNull();

        const readyAt = new Date().toISOString();
        await expect(photos.markPhotoReady(EVENT, id(1), readyAt)).resolves.toBe(true);
        const ready = { ...photo, createdAt: readyAt };
        await expect(photos.getPhoto(EVENT, id(1))).resolves.toStrictEqual(ready);
        await expect(photos.countPhotos(EVENT)).resolves.toBe(1);
        expect(pageOf(await listing.listPhotos(EVENT, { limit: 10 }))).toStrictEqual({ items: [ready], nextCursor: null });
        expect(await listed(EVENT, { uploaderId: 'ana' })).toEqual([id(1)]);
        expect(await listed(EVENT, { since: before.feedCursor! })).toEqual([id(1)]);
      });

      it('stamps a ready photo again, moving it in the list; stamps no photo that is not there', async () => {
        await seed(photoOf(1, { createdAt: NOW.toISOString() }));
        await seed(photoOf(2, { createdAt: LATER.toISOString() }));
        expect(await listed(EVENT)).toEqual([id(2), id(1)]);
        const again = new Date(LATER.getTime() + 1000).toISOString();
        await expect(photos.markPhotoReady(EVENT, id(1), again)).resolves.toBe(true);
        expect(await listed(EVENT)).toEqual([id(1), id(2)]);
        await expect(photos.getPhoto(EVENT, id(1))).resolves.toStrictEqual(photoOf(1, { createdAt: again }));

        await reserveFor(photoOf(3));
        await expect(photos.markPhotoReady(EVENT, id(3), again)).resolves.toBe(false);
        await expect(photos.markPhotoReady(EVENT, id(4), again)).resolves.toBe(false);
        await expect(photos.getPhoto(EVENT, id(3))).resolves.toBeNull();
        await expect(photos.countPhotos(EVENT)).resolves.toBe(2);
        // markPhotoReady created nothing: the upload is still acceptable.
        await expect(photos.acceptPhoto(photoOf(3), UNLIMITED_QUOTAS, NOW)).resolves.toStrictEqual({ accepted: true });
      });

      it('answers acceptedBefore to the same photo again, ready or not, changing nothing', async () => {
        const photo = photoOf(1, { size: 500 });
        await seed(photo, { ready: false });
        const state = async () =>
          Promise.all([photos.storedTotals(EVENT, photo.uploaderId), photos.getHashClaim(EVENT, sha(1)), photos.getUpload(EVENT, id(1))]);
        const before = await state();
        await expect(photos.acceptPhoto(photo, UNLIMITED_QUOTAS, LATER)).resolves.toStrictEqual({
          accepted: false,
          because: 'acceptedBefore',
        });
        await photos.markPhotoReady(EVENT, id(1), photo.createdAt);
        await expect(photos.acceptPhoto({ ...photo, title: 'Redelivered' }, UNLIMITED_QUOTAS, LATER)).resolves.toStrictEqual({
          accepted: false,
          because: 'acceptedBefore',
        });
        await expect(state()).resolves.toStrictEqual(before);
        await expect(photos.getPhoto(EVENT, id(1))).resolves.toStrictEqual(photo);
        expect(before[0].event.photos).toBe(1);
      });

      it('answers duplicate for bytes another photo of the event holds (ready or not), changing nothing', async () => {
        await seed(photoOf(1), { ready: false });
        const copy = photoOf(2, { sha256: sha(1) });
        await reserveFor(copy);
        await expect(photos.acceptPhoto(copy, UNLIMITED_QUOTAS, LATER)).resolves.toStrictEqual({
          accepted: false,
          because: 'duplicate',
          duplicateOf: id(1),
        });
        await expect(photos.getUpload(EVENT, id(2))).resolves.toStrictEqual(uploadRecordOf(copy));
        expect(await photos.getHashClaim(EVENT, sha(1))).toMatchObject({ photoId: id(1), claimedAt: photoOf(1).createdAt });
        expect((await photos.storedTotals(EVENT, copy.uploaderId)).event.photos).toBe(1);
        await expect(photos.markPhotoReady(EVENT, id(2), LATER.toISOString())).resolves.toBe(false);
        // Another event holds its own photo of the same bytes.
        await expect(seed(photoOf(3, { eventId: OTHER_EVENT, sha256: sha(1) }))).resolves.toBeDefined();
      });

      it('counts the photos an uploader and the event hold within their totals, and changes nothing for one over', async () => {
        const quotas: UploadQuotas = {
          ...UNLIMITED_QUOTAS,
          userPhotosTotal: 2,
          userBytesTotal: 1000,
          eventPhotosTotal: 3,
          eventBytesTotal: 10_000,
        };
        const accept = async (n: number, uploaderId: string, size: number) => {
          const photo = photoOf(n, { uploaderId, size });
          await reserveFor(photo);
          return photos.acceptPhoto(photo, quotas, NOW);
        };
        await expect(accept(1, 'ana', 400)).resolves.toStrictEqual({ accepted: true });
        await expect(accept(2, 'ana', 700)).resolves.toStrictEqual({ accepted: false, because: 'overTotal', scope: 'user' });
        await expect(accept(3, 'ana', 600)).resolves.toStrictEqual({ accepted: true });
        await expect(accept(4, 'ana', 1)).resolves.toStrictEqual({ accepted: false, because: 'overTotal', scope: 'user' });
        await expect(accept(5, 'bo', 5)).resolves.toStrictEqual({ accepted: true });
        await expect(accept(6, 'cy', 5)).resolves.toStrictEqual({ accepted: false, because: 'overTotal', scope: 'event' });
        await expect(photos.storedTotals(EVENT, 'ana')).resolves.toStrictEqual({
          user: { photos: 2, bytes: 1000 },
          event: { photos: 3, bytes: 1005 },
        });
        await expect(photos.storedTotals(EVENT, 'cy')).resolves.toStrictEqual({
          user: { photos: 0, bytes: 0 },
          event: { photos: 3, bytes: 1005 },
        });
        // Nothing of a refused photo was written: no claim, the upload pending, no photo to make ready...
        for (const n of [2, 4, 6]) {
          await expect(photos.getHashClaim(EVENT, sha(n))).resolves.toBeNull();
          await expect(photos.markPhotoReady(EVENT, id(n), NOW.toISOString())).resolves.toBe(false);
          expect(await photos.getUpload(EVENT, id(n))).toMatchObject({ status: 'pending' });
        }
        // ... so once the organizer raises the total, the same photo is accepted.
        await expect(
          photos.acceptPhoto(photoOf(6, { uploaderId: 'cy', size: 5 }), { ...quotas, eventPhotosTotal: 4 }, NOW),
        ).resolves.toStrictEqual({
          accepted: true,
        });
        await expect(photos.storedTotals(OTHER_EVENT, 'ana')).resolves.toStrictEqual(NO_TOTALS);
      });

      it('refuses a photo bigger than a total on its own, even before the event holds anything', async () => {
        const quotas: UploadQuotas = { ...UNLIMITED_QUOTAS, userBytesTotal: 1000, eventBytesTotal: 5000 };
        const big = photoOf(1, { size: 1001 });
        await reserveFor(big);
        await expect(photos.acceptPhoto(big, quotas, NOW)).resolves.toStrictEqual({ accepted: false, because: 'overTotal', scope: 'user' });
        await expect(photos.acceptPhoto({ ...big, size: 5001 }, { ...quotas, userBytesTotal: 10_000 }, NOW)).resolves.toStrictEqual({
          accepted: false,
          because: 'overTotal',
          scope: 'event',
        });
        await expect(photos.storedTotals(EVENT, big.uploaderId)).resolves.toStrictEqual(NO_TOTALS);
        await expect(photos.getHashClaim(EVENT, sha(1))).resolves.toBeNull();
        await expect(photos.acceptPhoto(big, UNLIMITED_QUOTAS, NOW)).resolves.toStrictEqual({ accepted: true });
      });

      it('answers notPending, with the upload as it is, for an upload gone, rejected, a duplicate or deleted; changing nothing', async () => {
        await expect(photos.acceptPhoto(photoOf(1), UNLIMITED_QUOTAS, NOW)).resolves.toStrictEqual({
          accepted: false,
          because: 'notPending',
          upload: null,
        });
        for (const n of [2, 3, 4]) await reserveFor(photoOf(n));
        await photos.rejectUpload(EVENT, id(2), 'Not an image', NOW);
        await photos.markUploadDuplicate(EVENT, id(3), id(9), NOW);
        await photos.deletePhoto(EVENT, id(4), 'organizer', NOW);
        for (const n of [2, 3, 4]) {
          const upload = await photos.getUpload(EVENT, id(n));
          expect(upload?.status).not.toBe('pending');
          const acceptance = await photos.acceptPhoto(photoOf(n), UNLIMITED_QUOTAS, LATER);
          expect(acceptance).toStrictEqual({ accepted: false, because: 'notPending', upload });
          await expect(photos.getUpload(EVENT, id(n))).resolves.toStrictEqual(upload);
        }
        for (const n of [1, 2, 3, 4]) {
          await expect(photos.getHashClaim(EVENT, sha(n))).resolves.toBeNull();
          await expect(photos.markPhotoReady(EVENT, id(n), LATER.toISOString())).resolves.toBe(false);
        }
        await expect(photos.storedTotals(EVENT, photoOf(1).uploaderId)).resolves.toStrictEqual(NO_TOTALS);
      });
    });

    describe('deleting photos', () => {
      it('removes a ready photo, its claim and its place in the totals at once, and marks its upload deleted', async () => {
        const photo = photoOf(1, { uploaderId: 'ana', size: 700, objectKeys: ['a.jpg', 'b.webp'] });
        await seed(photo);
        await seed(photoOf(2, { uploaderId: 'bo', size: 5 }));
        await expect(photos.deletePhoto(EVENT, id(1), 'organizer', NOW)).resolves.toStrictEqual(photo);
        await expect(photos.getPhoto(EVENT, id(1))).resolves.toBeNull();
        await expect(photos.getHashClaim(EVENT, sha(1))).resolves.toBeNull();
        await expect(photos.storedTotals(EVENT, 'ana')).resolves.toStrictEqual({
          user: { photos: 0, bytes: 0 },
          event: { photos: 1, bytes: 5 },
        });
        const deleted = { ...uploadRecordOf(photo), status: 'deleted', acceptedAt: photo.createdAt, deletedAt: NOW.toISOString() };
        await expect(photos.getUpload(EVENT, id(1))).resolves.toStrictEqual(deleted);
        expect(await listed(EVENT)).toEqual([id(2)]);
        expect(await listed(EVENT, { uploaderId: 'ana' })).toEqual([]);
        await expect(photos.countPhotos(EVENT)).resolves.toBe(1);
        await expect(photos.markPhotoReady(EVENT, id(1), LATER.toISOString())).resolves.toBe(false);
        await expect(photos.updatePhotoText(EVENT, id(1), { title: 'x' })).resolves.toBeNull();

        // Idempotent: nothing more to remove, nothing given back twice, the first deletedAt kept.
        await expect(photos.deletePhoto(EVENT, id(1), 'organizer', LATER)).resolves.toBeNull();
        await expect(photos.getUpload(EVENT, id(1))).resolves.toStrictEqual(deleted);
        await expect(photos.storedTotals(EVENT, 'ana')).resolves.toStrictEqual({
          user: { photos: 0, bytes: 0 },
          event: { photos: 1, bytes: 5 },
        });
        // The bytes are free for a new upload.
        await expect(seed(photoOf(3, { sha256: sha(1) }))).resolves.toBeDefined();
      });

      it('removes an accepted photo that is not ready yet: it never becomes ready, and an accept again fails', async () => {
        const photo = photoOf(1);
        await seed(photo, { ready: false });
        await expect(photos.deletePhoto(EVENT, id(1), photo.uploaderId, NOW)).resolves.toStrictEqual(photo);
        await expect(photos.markPhotoReady(EVENT, id(1), LATER.toISOString())).resolves.toBe(false);
        await expect(photos.getPhoto(EVENT, id(1))).resolves.toBeNull();
        const acceptance = await photos.acceptPhoto(photo, UNLIMITED_QUOTAS, LATER);
        expect(acceptance).toMatchObject({ accepted: false, because: 'notPending', upload: { status: 'deleted' } });
        await expect(photos.getHashClaim(EVENT, sha(1))).resolves.toBeNull();
        await expect(photos.storedTotals(EVENT, photo.uploaderId)).resolves.toStrictEqual(NO_TOTALS);
      });

      it('marks a pending upload deleted, so that processing it later finds it not pending', async () => {
        const photo = photoOf(1);
        await reserveFor(photo);
        await expect(photos.deletePhoto(EVENT, id(1), photo.uploaderId, NOW)).resolves.toBeNull();
        const deleted = { ...uploadRecordOf(photo), status: 'deleted', deletedAt: NOW.toISOString() };
        await expect(photos.getUpload(EVENT, id(1))).resolves.toStrictEqual(deleted);
        await expect(photos.acceptPhoto(photo, UNLIMITED_QUOTAS, LATER)).resolves.toStrictEqual({
          accepted: false,
          because: 'notPending',
          upload: deleted,
        });
        await expect(photos.markPhotoReady(EVENT, id(1), LATER.toISOString())).resolves.toBe(false);
        await expect(photos.storedTotals(EVENT, photo.uploaderId)).resolves.toStrictEqual(NO_TOTALS);
      });

      it('leaves a delete marker for an upload that is gone, which a late upload cannot replace', async () => {
        await expect(photos.deletePhoto(EVENT, id(1), 'caller', NOW)).resolves.toBeNull();
        await expect(photos.getUpload(EVENT, id(1))).resolves.toStrictEqual({
          status: 'deleted',
          deletedAt: NOW.toISOString(),
          uploaderId: 'caller',
        });
        await expect(photos.reserveUpload(uploadRecord({ eventId: EVENT, photoId: id(1) }), UNLIMITED_QUOTAS, NOW)).rejects.toThrow();
        await expect(photos.acceptPhoto(photoOf(1), UNLIMITED_QUOTAS, NOW)).resolves.toMatchObject({ because: 'notPending' });
      });

      it("keeps the upload's uploader and what it said about itself", async () => {
        await reserveFor(photoOf(1, { uploaderId: 'ana' }));
        await photos.rejectUpload(EVENT, id(1), 'Not an image', NOW);
        await photos.deletePhoto(EVENT, id(1), 'organizer', LATER);
        expect(await photos.getUpload(EVENT, id(1))).toMatchObject({
          status: 'deleted',
          uploaderId: 'ana',
          rejectionReason: 'Not an image',
          deletedAt: LATER.toISOString(),
        });
      });
    });

    describe('races', () => {
      it('accepts and deletes concurrently: every photo is either held and counted, or gone and not', async () => {
        // 30 photos of two uploaders, pairs sharing their bytes; while each is accepted, a third of
        // them get no delete, a third one, a third two at once (a double click, or the organizer and the uploader).
        const all = Array.from({ length: 30 }, (_, n) =>
          photoOf(n + 1, { uploaderId: n % 2 ? 'ana' : 'bo', size: 100 + n, sha256: sha(1 + (n % 15)) }),
        );
        for (const photo of all) await reserveFor(photo);
        const deletes = (n: number) => n % 3;
        const deleted = (n: number) => deletes(n) > 0;
        const outcomes = await Promise.all(
          all.map(async (photo, n) => {
            const [acceptance, ...removed] = await Promise.all([
              (async (): Promise<Acceptance> => {
                await jitter();
                const result = await photos.acceptPhoto(photo, UNLIMITED_QUOTAS, NOW);
                if (result.accepted) {
                  await jitter();
                  await photos.markPhotoReady(EVENT, photo.photoId, NOW.toISOString());
                }
                return result;
              })(),
              ...Array.from({ length: deletes(n) }, async () => {
                await jitter();
                return photos.deletePhoto(EVENT, photo.photoId, 'organizer', NOW);
              }),
            ]);
            return { photo, n, acceptance, removed };
          }),
        );
        for (const { photo, n, acceptance, removed } of outcomes) {
          if (!deleted(n)) continue;
          // A delete that ran first leaves the upload deleted and the accept refused; one that ran
          // after removes the photo; of two deletes, one removes it and the other finds nothing.
          const removing = removed.filter((record) => record !== null);
          expect(removing).toHaveLength(acceptance.accepted ? 1 : 0);
          for (const record of removing) expect(record).toMatchObject({ photoId: photo.photoId, size: photo.size });
          expect(acceptance.accepted || acceptance.because === 'notPending' || acceptance.because === 'duplicate').toBe(true);
          expect(await photos.getUpload(EVENT, photo.photoId)).toMatchObject({ status: 'deleted' });
        }
        const held = (await Promise.all(all.map((photo) => photos.getPhoto(EVENT, photo.photoId)))).filter((photo) => photo !== null);
        expect(held.map((photo) => photo.photoId).sort()).toEqual(
          outcomes.filter(({ n, acceptance }) => acceptance.accepted && !deleted(n)).map(({ photo }) => photo.photoId),
        );
        const totalOf = (photosHeld: Photo[]) => ({
          photos: photosHeld.length,
          bytes: photosHeld.reduce((sum, { size }) => sum + size, 0),
        });
        for (const uploaderId of ['ana', 'bo'])
          await expect(photos.storedTotals(EVENT, uploaderId)).resolves.toStrictEqual({
            user: totalOf(held.filter((photo) => photo.uploaderId === uploaderId)),
            event: totalOf(held),
          });
        await expect(photos.countPhotos(EVENT)).resolves.toBe(held.length);
        expect((await listed(EVENT)).sort()).toEqual(held.map((photo) => photo.photoId).sort());
        // Every claim names a photo the event holds, and every photo it holds has its claim.
        for (let n = 1; n <= 15; n++) {
          const claim = await photos.getHashClaim(EVENT, sha(n));
          const holder = held.find((photo) => photo.sha256 === sha(n));
          expect(claim?.photoId ?? null).toBe(holder?.photoId ?? null);
        }
      });

      it('accepts exactly as many concurrent photos as the total allows', async () => {
        const quotas: UploadQuotas = { ...UNLIMITED_QUOTAS, eventPhotosTotal: 3 };
        const all = Array.from({ length: 12 }, (_, n) => photoOf(n + 1, { uploaderId: `uploader-${n % 4}`, size: 10 + n }));
        for (const photo of all) await reserveFor(photo);
        const acceptances = await Promise.all(
          all.map(async (photo) => {
            await jitter();
            return photos.acceptPhoto(photo, quotas, NOW);
          }),
        );
        const accepted = all.filter((_, n) => acceptances[n]!.accepted);
        expect(accepted).toHaveLength(3);
        for (const [n, acceptance] of acceptances.entries())
          if (!acceptance.accepted) {
            expect(acceptance).toStrictEqual({ accepted: false, because: 'overTotal', scope: 'event' });
            await expect(photos.getHashClaim(EVENT, sha(n + 1))).resolves.toBeNull();
            // No photo record either: there is none to make ready.
            await expect(photos.markPhotoReady(EVENT, id(n + 1), NOW.toISOString())).resolves.toBe(false);
            expect(await photos.getUpload(EVENT, id(n + 1))).toMatchObject({ status: 'pending' });
          }
        expect((await photos.storedTotals(EVENT, 'nobody')).event).toStrictEqual({
          photos: 3,
          bytes: accepted.reduce((sum, { size }) => sum + size, 0),
        });
      });
    });

    describe('listing photos', () => {
      it("lists the event's ready photos newest first, page by page with its cursors", async () => {
        for (const n of [3, 1, 5, 2, 4]) await seed(photoOf(n));
        await seed(photoOf(6, { eventId: OTHER_EVENT }));
        await reserveFor(photoOf(7));
        await seed(photoOf(8), { ready: false });
        const newestFirst = [5, 4, 3, 2, 1].map((n) => photoOf(n));
        expect(pageOf(await listing.listPhotos(EVENT, { limit: 10 }))).toStrictEqual({ items: newestFirst, nextCursor: null });
        const pages = await allPages((page) => listing.listPhotos(EVENT, page), 2);
        expect(pages.flat()).toStrictEqual(newestFirst);
        expect(pageOf(await listing.listPhotos('unknown', { limit: 10 }))).toStrictEqual({ items: [], nextCursor: null });
      });

      it('lists by the time photos became ready, not by upload order', async () => {
        await seed(photoOf(1, { createdAt: LATER.toISOString() }));
        await seed(photoOf(2, { createdAt: NOW.toISOString() }));
        expect(await listed(EVENT)).toEqual([id(1), id(2)]);
      });

      it('keeps, for q, the photos whose folded title or description contains it; for uploaderId, one uploader', async () => {
        await seed(photoOf(1, { title: 'Straße am Abend', uploaderId: 'ana' }));
        await seed(photoOf(2, { title: 'Keynote', description: 'ΟΔΟΣ', uploaderId: 'bo' }));
        await seed(photoOf(3, { title: 'Straße', uploaderId: 'bo' }), { ready: false });
        expect(await listed(EVENT, { q: foldForSearch('STRASSE') })).toEqual([id(1)]);
        expect(await listed(EVENT, { q: foldForSearch('οδος') })).toEqual([id(2)]);
        expect(await listed(EVENT, { q: foldForSearch('nothing') })).toEqual([]);
        expect(await listed(EVENT, { uploaderId: 'bo' })).toEqual([id(2)]);
        expect(await listed(EVENT, { uploaderId: 'bo', q: foldForSearch('straße') })).toEqual([]);
      });

      it('feeds what became ready after a first page, oldest first, each once; later pages have no feed cursor', async () => {
        await seed(photoOf(1));
        await seed(photoOf(2));
        const first = await listing.listPhotos(EVENT, { limit: 1 });
        expect(first.feedCursor).toEqual(expect.any(String));
        expect((await listing.listPhotos(EVENT, { limit: 1, cursor: first.nextCursor! })).feedCursor).toBeNull();
        const now = Date.now();
        // Photo 5 is accepted too, but never ready: the feed never shows it.
        await seed(photoOf(5, { createdAt: new Date(now).toISOString() }), { ready: false });
        for (const [n, at] of [
          [4, now + 1],
          [3, now],
        ] as const)
          await seed(photoOf(n, { createdAt: new Date(at).toISOString() }));
        const feed = await listing.listPhotos(EVENT, { limit: 10, since: first.feedCursor! });
        expect(feed.items.map((photo) => photo.photoId)).toEqual([id(3), id(4)]);
        expect(feed.nextCursor).toBeNull();
        expect((await listing.listPhotos(EVENT, { limit: 10, since: feed.feedCursor! })).items).toEqual([]);
      });

      it("feeds the edits and deletes made after the cursor: edited photos as they are now, deleted ids; one uploader's for uploaderId", async () => {
        for (const n of [1, 2, 5]) await seed(photoOf(n, { uploaderId: 'ana' }));
        for (const n of [3, 4]) await seed(photoOf(n, { uploaderId: 'bo' }));
        await seed(photoOf(6, { eventId: OTHER_EVENT }));
        const first = await listing.listPhotos(EVENT, { limit: 10 });
        const anas = await listing.listPhotos(EVENT, { limit: 10, uploaderId: 'ana' });
        const edited = await photos.updatePhotoText(EVENT, id(1), { title: 'Edited' });
        await photos.updatePhotoText(EVENT, id(3), { description: 'Edited too' });
        await photos.deletePhoto(EVENT, id(2), 'ana');
        await photos.deletePhoto(EVENT, id(4), 'bo');
        // Edited, then deleted: only deleted.
        await photos.updatePhotoText(EVENT, id(5), { title: 'Gone soon' });
        await photos.deletePhoto(EVENT, id(5), 'ana');
        await photos.updatePhotoText(OTHER_EVENT, id(6), { title: 'Elsewhere' });
        await photos.deletePhoto(OTHER_EVENT, id(6), 'ana');

        const feed = await listing.listPhotos(EVENT, { limit: 10, since: first.feedCursor! });
        expect(feed.items).toEqual([]);
        expect(feed.changed?.toSorted((a, b) => a.photoId.localeCompare(b.photoId))).toStrictEqual([
          edited,
          photoOf(3, { uploaderId: 'bo', description: 'Edited too' }),
        ]);
        expect(feed.removed?.toSorted()).toEqual([id(2), id(4), id(5)]);
        const anasFeed = await listing.listPhotos(EVENT, { limit: 10, uploaderId: 'ana', since: anas.feedCursor! });
        expect(anasFeed.changed).toStrictEqual([edited]);
        expect(anasFeed.removed?.toSorted()).toEqual([id(2), id(5)]);
        // Later changes come in a later answer; a first page and its later pages tell of none.
        await photos.updatePhotoText(EVENT, id(3), { title: 'Again' });
        const later = await listing.listPhotos(EVENT, { limit: 10, since: feed.feedCursor! });
        expect(later.changed?.map((photo) => photo.title)).toContain('Again');
        const page = await listing.listPhotos(EVENT, { limit: 1 });
        expect(page).not.toHaveProperty('changed');
        expect(page).not.toHaveProperty('removed');
      });

      it('refuses a feed cursor it did not make', async () => {
        for (const since of GARBAGE_CURSORS) {
          const error = await listing.listPhotos(EVENT, { limit: 1, since }).catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).field).toBe('since');
        }
      });

      it('refuses a photo-list cursor it did not make (a cursor of another list: the membership contract)', async () => {
        for (const cursor of GARBAGE_CURSORS) await refusedCursor(listing.listPhotos(EVENT, { limit: 1, cursor }));
      });
    });

    describe('editing photos', () => {
      it('changes the given text fields of a ready photo only, and returns the photo as written', async () => {
        const photo = photoOf(1, { description: 'Before' });
        await seed(photo);
        const updated = await photos.updatePhotoText(EVENT, id(1), { title: 'New title' });
        expect(updated).toStrictEqual({ ...photo, title: 'New title' });
        await expect(photos.getPhoto(EVENT, id(1))).resolves.toStrictEqual(updated);
        await expect(photos.updatePhotoText(EVENT, id(1), { title: 'T', description: 'D' })).resolves.toStrictEqual({
          ...photo,
          title: 'T',
          description: 'D',
        });
        expect(await listed(EVENT, { q: 'd' })).toEqual([id(1)]);
      });

      it('edits no photo that is not ready or does not exist, and creates none', async () => {
        await reserveFor(photoOf(1));
        await seed(photoOf(2), { ready: false });
        for (const n of [1, 2, 3]) await expect(photos.updatePhotoText(EVENT, id(n), { title: 'x' })).resolves.toBeNull();
        await photos.markPhotoReady(EVENT, id(2), LATER.toISOString());
        await expect(photos.getPhoto(EVENT, id(2))).resolves.toStrictEqual(photoOf(2, { createdAt: LATER.toISOString() }));
        for (const n of [1, 3]) await expect(photos.getPhoto(EVENT, id(n))).resolves.toBeNull();
      });
    });
  });
}
