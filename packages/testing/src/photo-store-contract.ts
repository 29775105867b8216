import { beforeEach, describe, expect, it } from 'vitest';
import {
  ValidationError,
  foldForSearch,
  type ContentClaimStore,
  type PageRequest,
  type PhotoListRequest,
  type PhotoLister,
  type PhotoStore,
} from '@event-photos/core';
import { eventRecord, photoRecord, uploadRecord } from '#lib/store-records';

export interface PhotoStoreSubject {
  photos: PhotoStore;
  claims: ContentClaimStore;
  /** Lists the photos `photos` writes. */
  listing: PhotoLister;
}

const EVENT = 'summit-2026';
const OTHER_EVENT = 'other-event';
const SHA = 'ab'.repeat(32);
/** UUIDv7-shaped ids in upload order: id(2) was uploaded after id(1). */
const id = (n: number) => `01890a5d-ac96-774b-bcce-${String(n).padStart(12, '0')}`;
const NOW = new Date('2026-05-01T10:01:00.000Z');
const LATER = new Date('2026-05-01T10:02:00.000Z');

/** Every page of a list, following the cursors. */
async function allPages<T>(list: (page: PageRequest) => Promise<{ items: T[]; nextCursor: string | null }>, limit: number) {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.items.length < limit) expect(page.nextCursor).toBeNull();
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

/** What Page promises; an adapter's answer may carry more (the photo list's feed cursor). */
const pageOf = <T>({ items, nextCursor }: { items: T[]; nextCursor: string | null }) => ({ items, nextCursor });

async function refusedCursor(list: Promise<unknown>) {
  const error = await list.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toBe('cursor');
}

const GARBAGE_CURSORS = ['garbage', '!!!', Buffer.from('null').toString('base64url'), Buffer.from('{"v":1}').toString('base64url')];

/**
 * What photo-store.ts promises, as one suite: run against the in-memory fake and against the
 * DynamoDB adapters on a local DynamoDB. `subject` gives empty stores for each test.
 */
export function photoStoreContract(name: string, subject: () => Promise<PhotoStoreSubject>): void {
  describe(`${name}: the PhotoStore and ContentClaimStore contract`, () => {
    let photos: PhotoStore;
    let claims: ContentClaimStore;
    let listing: PhotoLister;
    beforeEach(async () => {
      ({ photos, claims, listing } = await subject());
    });

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

      it('lists every event newest created first, page by page with its cursors', async () => {
        const created = ['2026-05-03', '2026-05-01', '2026-05-02', '2026-05-04', '2026-05-05'].map((day, n) =>
          eventRecord({ eventId: `event-${n}`, createdAt: `${day}T00:00:00.000Z` }),
        );
        for (const event of created) await photos.createEvent(event);
        const newestFirst = [...created].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        await expect(photos.listEvents({ limit: 10 })).resolves.toStrictEqual({ items: newestFirst, nextCursor: null });
        const pages = await allPages((page) => photos.listEvents(page), 2);
        expect(pages.flat()).toStrictEqual(newestFirst);
        expect(pages[0]).toHaveLength(2);
      });

      it('lists no events as an empty last page', async () => {
        await expect(photos.listEvents({ limit: 5 })).resolves.toStrictEqual({ items: [], nextCursor: null });
      });

      it('refuses a cursor it did not make, or one of the photo list', async () => {
        for (const cursor of GARBAGE_CURSORS) await refusedCursor(photos.listEvents({ limit: 1, cursor }));
        for (const n of [1, 2]) await photos.savePhoto(photoRecord({ eventId: EVENT, photoId: id(n) }));
        const photoCursor = (await listing.listPhotos(EVENT, { limit: 1 })).nextCursor!;
        expect(photoCursor).toEqual(expect.any(String));
        await refusedCursor(photos.listEvents({ limit: 1, cursor: photoCursor }));
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

      it("counts the event's processed photos only", async () => {
        await expect(photos.countPhotos(EVENT)).resolves.toBe(0);
        for (const n of [1, 2, 3]) await photos.savePhoto(photoRecord({ eventId: EVENT, photoId: id(n) }));
        await photos.savePhoto(photoRecord({ eventId: OTHER_EVENT, photoId: id(4) }));
        await photos.savePendingUpload(uploadRecord({ eventId: EVENT, photoId: id(5) }));
        await photos.deletePhotoRecord(EVENT, id(3));
        await expect(photos.countPhotos(EVENT)).resolves.toBe(2);
      });
    });

    describe('uploads', () => {
      it('records an upload once and reads it back as given', async () => {
        const upload = uploadRecord({ eventId: EVENT, photoId: id(1) });
        await photos.savePendingUpload(upload);
        await expect(photos.getPendingUpload(EVENT, id(1))).resolves.toStrictEqual(upload);
        await expect(photos.savePendingUpload({ ...upload, title: 'Again' })).rejects.toThrow(`Upload ${id(1)} already exists`);
        await expect(photos.getPendingUpload(EVENT, id(1))).resolves.toStrictEqual(upload);
        await expect(photos.getPendingUpload(OTHER_EVENT, id(1))).resolves.toBeNull();
      });

      it('marks an upload rejected with its reason', async () => {
        const upload = uploadRecord({ eventId: EVENT, photoId: id(1) });
        await photos.savePendingUpload(upload);
        await photos.rejectUpload(EVENT, id(1), 'The file is text/html', NOW);
        await expect(photos.getPendingUpload(EVENT, id(1))).resolves.toStrictEqual({
          ...upload,
          status: 'rejected',
          rejectionReason: 'The file is text/html',
          rejectedAt: NOW.toISOString(),
        });
      });

      it('rejects no upload that is gone or deleted', async () => {
        await photos.rejectUpload(EVENT, id(1), 'reason', NOW);
        await expect(photos.getPendingUpload(EVENT, id(1))).resolves.toBeNull();

        await photos.savePendingUpload(uploadRecord({ eventId: EVENT, photoId: id(2) }));
        await photos.markUploadDeleted(EVENT, id(2), 'caller', NOW);
        await photos.rejectUpload(EVENT, id(2), 'reason', LATER);
        expect(await photos.getPendingUpload(EVENT, id(2))).toMatchObject({ status: 'deleted' });
        expect(await photos.getPendingUpload(EVENT, id(2))).not.toHaveProperty('rejectionReason');
      });

      it('marks an upload deleted, keeping its uploader and the first time', async () => {
        const upload = uploadRecord({ eventId: EVENT, photoId: id(1), uploaderId: 'uploader' });
        await photos.savePendingUpload(upload);
        await photos.markUploadDeleted(EVENT, id(1), 'organizer', NOW);
        await photos.markUploadDeleted(EVENT, id(1), 'organizer', LATER);
        await expect(photos.getPendingUpload(EVENT, id(1))).resolves.toStrictEqual({
          ...upload,
          status: 'deleted',
          deletedAt: NOW.toISOString(),
        });
      });

      it('leaves a delete marker for an upload that is gone, which a late upload cannot replace', async () => {
        await photos.markUploadDeleted(EVENT, id(1), 'caller', NOW);
        await expect(photos.getPendingUpload(EVENT, id(1))).resolves.toStrictEqual({
          status: 'deleted',
          deletedAt: NOW.toISOString(),
          uploaderId: 'caller',
        });
        await expect(photos.savePendingUpload(uploadRecord({ eventId: EVENT, photoId: id(1) }))).rejects.toThrow();
      });
    });

    describe('photos', () => {
      it('writes a photo once and reads it back as given', async () => {
        const photo = photoRecord({ eventId: EVENT, photoId: id(1) });
        await expect(photos.savePhoto(photo)).resolves.toBe(true);
        await expect(photos.savePhoto({ ...photo, title: 'Redelivered' })).resolves.toBe(false);
        await expect(photos.getPhoto(EVENT, id(1))).resolves.toStrictEqual(photo);
        await expect(photos.getPhoto(OTHER_EVENT, id(1))).resolves.toBeNull();
        await expect(photos.getPhoto(EVENT, id(2))).resolves.toBeNull();
      });

      it('stamps a photo ready again, and no photo that is gone', async () => {
        const photo = photoRecord({ eventId: EVENT, photoId: id(1) });
        await photos.savePhoto(photo);
        await expect(photos.restampPhoto(photo, LATER.toISOString())).resolves.toBe(true);
        await expect(photos.getPhoto(EVENT, id(1))).resolves.toStrictEqual({ ...photo, createdAt: LATER.toISOString() });
        const gone = photoRecord({ eventId: EVENT, photoId: id(2) });
        await expect(photos.restampPhoto(gone, LATER.toISOString())).resolves.toBe(false);
        await expect(photos.getPhoto(EVENT, id(2))).resolves.toBeNull();
      });

      it("lists the event's photos newest first, page by page with its cursors", async () => {
        for (const n of [3, 1, 5, 2, 4]) await photos.savePhoto(photoRecord({ eventId: EVENT, photoId: id(n) }));
        await photos.savePhoto(photoRecord({ eventId: OTHER_EVENT, photoId: id(6) }));
        await photos.savePendingUpload(uploadRecord({ eventId: EVENT, photoId: id(7) }));
        const newestFirst = [5, 4, 3, 2, 1].map((n) => photoRecord({ eventId: EVENT, photoId: id(n) }));
        expect(pageOf(await listing.listPhotos(EVENT, { limit: 10 }))).toStrictEqual({ items: newestFirst, nextCursor: null });
        const pages = await allPages((page) => listing.listPhotos(EVENT, page), 2);
        expect(pages.flat()).toStrictEqual(newestFirst);
        expect(pageOf(await listing.listPhotos('unknown', { limit: 10 }))).toStrictEqual({ items: [], nextCursor: null });
      });

      it('lists by the time photos became ready, not by upload order', async () => {
        await photos.savePhoto(photoRecord({ eventId: EVENT, photoId: id(1), createdAt: LATER.toISOString() }));
        await photos.savePhoto(photoRecord({ eventId: EVENT, photoId: id(2), createdAt: NOW.toISOString() }));
        expect((await listing.listPhotos(EVENT, { limit: 10 })).items.map((photo) => photo.photoId)).toEqual([id(1), id(2)]);
      });

      it('keeps, for q, the photos whose folded title or description contains it; for uploaderId, one uploader', async () => {
        await photos.savePhoto(photoRecord({ eventId: EVENT, photoId: id(1), title: 'Straße am Abend', uploaderId: 'ana' }));
        await photos.savePhoto(photoRecord({ eventId: EVENT, photoId: id(2), title: 'Keynote', description: 'ΟΔΟΣ', uploaderId: 'bo' }));
        const ids = async (request: Omit<PhotoListRequest, 'limit'>) =>
          (await listing.listPhotos(EVENT, { limit: 10, ...request })).items.map((photo) => photo.photoId);
        expect(await ids({ q: foldForSearch('STRASSE') })).toEqual([id(1)]);
        expect(await ids({ q: foldForSearch('οδος') })).toEqual([id(2)]);
        expect(await ids({ q: foldForSearch('nothing') })).toEqual([]);
        expect(await ids({ uploaderId: 'bo' })).toEqual([id(2)]);
        expect(await ids({ uploaderId: 'bo', q: foldForSearch('straße') })).toEqual([]);
      });

      it('feeds what became ready after a first page, oldest first, each once; later pages have no feed cursor', async () => {
        await photos.savePhoto(photoRecord({ eventId: EVENT, photoId: id(1) }));
        await photos.savePhoto(photoRecord({ eventId: EVENT, photoId: id(2) }));
        const first = await listing.listPhotos(EVENT, { limit: 1 });
        expect(first.feedCursor).toEqual(expect.any(String));
        expect((await listing.listPhotos(EVENT, { limit: 1, cursor: first.nextCursor! })).feedCursor).toBeNull();
        const now = Date.now();
        for (const [n, at] of [
          [4, now + 1],
          [3, now],
        ] as const)
          await photos.savePhoto(photoRecord({ eventId: EVENT, photoId: id(n), createdAt: new Date(at).toISOString() }));
        const feed = await listing.listPhotos(EVENT, { limit: 10, since: first.feedCursor! });
        expect(feed.items.map((photo) => photo.photoId)).toEqual([id(3), id(4)]);
        expect(feed.nextCursor).toBeNull();
        expect((await listing.listPhotos(EVENT, { limit: 10, since: feed.feedCursor! })).items).toEqual([]);
      });

      it('refuses a feed cursor it did not make', async () => {
        for (const since of GARBAGE_CURSORS) {
          const error = await listing.listPhotos(EVENT, { limit: 1, since }).catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).field).toBe('since');
        }
      });

      it('refuses a photo-list cursor it did not make, or one of the event list', async () => {
        for (const cursor of GARBAGE_CURSORS) await refusedCursor(listing.listPhotos(EVENT, { limit: 1, cursor }));
        for (const n of [1, 2]) await photos.createEvent(eventRecord({ eventId: `event-${n}` }));
        const eventCursor = (await photos.listEvents({ limit: 1 })).nextCursor!;
        expect(eventCursor).toEqual(expect.any(String));
        await refusedCursor(listing.listPhotos(EVENT, { limit: 1, cursor: eventCursor }));
      });

      it('changes the given text fields of a photo only, and returns the photo as written', async () => {
        const photo = photoRecord({ eventId: EVENT, photoId: id(1), description: 'Before' });
        await photos.savePhoto(photo);
        const updated = await photos.updatePhotoText(EVENT, id(1), { title: 'New title' });
        expect(updated).toStrictEqual({ ...photo, title: 'New title' });
        await expect(photos.getPhoto(EVENT, id(1))).resolves.toStrictEqual(updated);
        await expect(photos.updatePhotoText(EVENT, id(1), { title: 'T', description: 'D' })).resolves.toStrictEqual({
          ...photo,
          title: 'T',
          description: 'D',
        });
      });

      it('edits no photo that does not exist, and creates none', async () => {
        await photos.savePendingUpload(uploadRecord({ eventId: EVENT, photoId: id(1) }));
        await expect(photos.updatePhotoText(EVENT, id(1), { title: 'x' })).resolves.toBeNull();
        await expect(photos.getPhoto(EVENT, id(1))).resolves.toBeNull();
      });

      it('removes a photo, answering what it held, then null', async () => {
        const photo = photoRecord({ eventId: EVENT, photoId: id(1), objectKeys: ['a.jpg', 'b.webp'] });
        await photos.savePhoto(photo);
        await expect(photos.deletePhotoRecord(EVENT, id(1))).resolves.toStrictEqual(photo);
        await expect(photos.getPhoto(EVENT, id(1))).resolves.toBeNull();
        await expect(photos.deletePhotoRecord(EVENT, id(1))).resolves.toBeNull();
      });
    });

    describe('upload quotas', () => {
      const quotas = {
        userUploadsPerHour: 2,
        userBytesPerHour: 1000,
        eventUploadsPerHour: 3,
        eventBytesPerHour: 10_000,
        userPhotosTotal: 2,
        userBytesTotal: 1000,
        eventPhotosTotal: 3,
        eventBytesTotal: 10_000,
      };
      const at = new Date('2026-05-01T10:59:30.000Z');

      it("counts an uploader's uploads and bytes per clock hour, and the event's, and refuses what goes over", async () => {
        await expect(photos.reserveUpload(EVENT, 'ana', 400, quotas, at)).resolves.toStrictEqual({ reserved: true });
        await expect(photos.reserveUpload(EVENT, 'ana', 700, quotas, at)).resolves.toStrictEqual({
          reserved: false,
          scope: 'user',
          retryAfterSeconds: 30,
        });
        await expect(photos.reserveUpload(EVENT, 'ana', 600, quotas, at)).resolves.toStrictEqual({ reserved: true });
        await expect(photos.reserveUpload(EVENT, 'ana', 1, quotas, at)).resolves.toMatchObject({ reserved: false, scope: 'user' });
        await expect(photos.reserveUpload(EVENT, 'bo', 1, quotas, at)).resolves.toStrictEqual({ reserved: true });
        // The event's third upload this hour was bo's; the fourth is refused for everyone.
        await expect(photos.reserveUpload(EVENT, 'cy', 1, quotas, at)).resolves.toMatchObject({ reserved: false, scope: 'event' });
        // A new hour, or another event, counts from zero.
        await expect(photos.reserveUpload(EVENT, 'ana', 1, quotas, new Date('2026-05-01T11:00:00.000Z'))).resolves.toStrictEqual({
          reserved: true,
        });
        await expect(photos.reserveUpload(OTHER_EVENT, 'ana', 1, quotas, at)).resolves.toStrictEqual({ reserved: true });
      });

      it("gives the uploader's count back when the event's quota refuses", async () => {
        const tight = { ...quotas, userUploadsPerHour: 10, eventUploadsPerHour: 1 };
        await expect(photos.reserveUpload(EVENT, 'bo', 1, tight, at)).resolves.toStrictEqual({ reserved: true });
        for (let attempt = 0; attempt < 12; attempt++)
          await expect(photos.reserveUpload(EVENT, 'ana', 1, tight, at)).resolves.toMatchObject({ scope: 'event' });
        // Had the refusals counted, ana would now be over her own 10.
        await expect(photos.reserveUpload(EVENT, 'ana', 1, { ...tight, eventUploadsPerHour: 100 }, at)).resolves.toStrictEqual({
          reserved: true,
        });
      });

      it('counts the photos an uploader and the event hold, refuses what goes over, and takes removed ones back', async () => {
        await expect(photos.storedTotals(EVENT, 'ana')).resolves.toStrictEqual({
          user: { photos: 0, bytes: 0 },
          event: { photos: 0, bytes: 0 },
        });
        await expect(photos.countStoredPhoto(EVENT, 'ana', 400, quotas)).resolves.toStrictEqual({ counted: true });
        await expect(photos.countStoredPhoto(EVENT, 'ana', 700, quotas)).resolves.toStrictEqual({ counted: false, scope: 'user' });
        await expect(photos.countStoredPhoto(EVENT, 'ana', 600, quotas)).resolves.toStrictEqual({ counted: true });
        await expect(photos.countStoredPhoto(EVENT, 'ana', 1, quotas)).resolves.toStrictEqual({ counted: false, scope: 'user' });
        await expect(photos.countStoredPhoto(EVENT, 'bo', 5, quotas)).resolves.toStrictEqual({ counted: true });
        await expect(photos.countStoredPhoto(EVENT, 'cy', 5, quotas)).resolves.toStrictEqual({ counted: false, scope: 'event' });
        await expect(photos.storedTotals(EVENT, 'ana')).resolves.toStrictEqual({
          user: { photos: 2, bytes: 1000 },
          event: { photos: 3, bytes: 1005 },
        });
        // No window: a later hour changes nothing; a removed photo frees its place.
        await photos.uncountStoredPhoto(EVENT, 'ana', 400);
        await expect(photos.storedTotals(EVENT, 'ana')).resolves.toStrictEqual({
          user: { photos: 1, bytes: 600 },
          event: { photos: 2, bytes: 605 },
        });
        await expect(photos.countStoredPhoto(EVENT, 'cy', 5, quotas)).resolves.toStrictEqual({ counted: true });
        await expect(photos.storedTotals(OTHER_EVENT, 'ana')).resolves.toStrictEqual({
          user: { photos: 0, bytes: 0 },
          event: { photos: 0, bytes: 0 },
        });
      });
    });

    describe('hash claims', () => {
      it('gives the claim to the first photo, again to the same photo, never to another', async () => {
        await expect(photos.getHashClaim(EVENT, SHA)).resolves.toBeNull();
        await expect(claims.claimHash(EVENT, SHA, id(1), NOW)).resolves.toBe(true);
        await expect(claims.claimHash(EVENT, SHA, id(1), LATER)).resolves.toBe(true);
        await expect(claims.claimHash(EVENT, SHA, id(2), LATER)).resolves.toBe(false);
        expect(await photos.getHashClaim(EVENT, SHA)).toMatchObject({ sha256: SHA, photoId: id(1) });
        // Another event holds its own photo of the same bytes.
        await expect(claims.claimHash(OTHER_EVENT, SHA, id(2), NOW)).resolves.toBe(true);
      });

      it('moves a claim only from the photo that holds it', async () => {
        await claims.claimHash(EVENT, SHA, id(1), NOW);
        await expect(claims.takeOverHashClaim(EVENT, SHA, id(3), id(2), LATER)).resolves.toBe(false);
        await expect(claims.takeOverHashClaim(EVENT, SHA, id(1), id(2), LATER)).resolves.toBe(true);
        await expect(photos.getHashClaim(EVENT, SHA)).resolves.toStrictEqual({
          sha256: SHA,
          photoId: id(2),
          claimedAt: LATER.toISOString(),
        });
        await expect(claims.takeOverHashClaim(EVENT, SHA, id(1), id(3), LATER)).resolves.toBe(false);
      });

      it('takes over no claim that is gone, and creates none', async () => {
        await expect(claims.takeOverHashClaim(EVENT, SHA, id(1), id(2), NOW)).resolves.toBe(false);
        await expect(photos.getHashClaim(EVENT, SHA)).resolves.toBeNull();
      });

      it('releases a claim only for the photo that holds it', async () => {
        await claims.claimHash(EVENT, SHA, id(1), NOW);
        await claims.releaseHash(EVENT, SHA, id(2));
        expect(await photos.getHashClaim(EVENT, SHA)).toMatchObject({ photoId: id(1) });
        await claims.releaseHash(EVENT, SHA, id(1));
        await expect(photos.getHashClaim(EVENT, SHA)).resolves.toBeNull();
        await expect(claims.releaseHash(EVENT, SHA, id(1))).resolves.toBeUndefined();
        await expect(claims.claimHash(EVENT, SHA, id(2), LATER)).resolves.toBe(true);
      });

      it('marks an upload a duplicate, unless it is gone or deleted', async () => {
        const upload = uploadRecord({ eventId: EVENT, photoId: id(2) });
        await photos.savePendingUpload(upload);
        await claims.markUploadDuplicate(EVENT, id(2), id(1), NOW);
        await expect(photos.getPendingUpload(EVENT, id(2))).resolves.toStrictEqual({
          ...upload,
          status: 'duplicate',
          duplicateOf: id(1),
          duplicateAt: NOW.toISOString(),
        });

        await claims.markUploadDuplicate(EVENT, id(3), id(1), NOW);
        await expect(photos.getPendingUpload(EVENT, id(3))).resolves.toBeNull();

        await photos.markUploadDeleted(EVENT, id(4), 'caller', NOW);
        await claims.markUploadDuplicate(EVENT, id(4), id(1), LATER);
        expect(await photos.getPendingUpload(EVENT, id(4))).toStrictEqual({
          status: 'deleted',
          deletedAt: NOW.toISOString(),
          uploaderId: 'caller',
        });
      });
    });
  });
}
