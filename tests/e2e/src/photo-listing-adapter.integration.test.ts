import { type PhotoListing, type PhotoRepository, SEARCH_BUDGET } from '@event-photos/aws';
import { FEED_SETTLE_MS, foldForSearch, type Photo } from '@event-photos/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPhoto } from '@event-photos/testing/fixtures';
import { listingOnEmulator } from './support/listing-on-emulator';

// The listing adapter against the real emulator, with a clock the test moves: what the HTTP tests
// cannot arrange (a write that lands late, thousands of photos).
let now = Date.parse('2026-06-01T10:00:00.000Z');
let repository: PhotoRepository;
let listing: PhotoListing;
let photoCount = 0;

let close: () => Promise<void>;

beforeAll(async () => {
  ({ repository, listing, close } = await listingOnEmulator('listing-adapter', () => now));
});

afterAll(async () => {
  await close?.();
});

function photo(eventId: string, readyAt: number, title = 'A photo'): Photo {
  const serial = (++photoCount).toString(16).padStart(12, '0');
  return {
    photoId: `01890a5d-ac96-7000-8000-${serial}`,
    eventId,
    title,
    description: '',
    contentType: 'image/jpeg',
    size: 1000,
    // Bytes of its own: the event holds each only once.
    sha256: serial.padStart(64, '0'),
    url: `https://cdn.example/${serial}.jpg`,
    uploaderId: 'uploader-sub',
    uploaderName: 'ana',
    objectKeys: [`uploads/event_${eventId}/${serial}.jpg`],
    createdAt: new Date(readyAt).toISOString(),
  };
}

const feedIds = async (eventId: string, since: string) => {
  const answer = await listing.listPhotos(eventId, { limit: 100, since });
  return { ids: answer.items.map((item) => item.photoId), next: answer.feedCursor! };
};

describe('the feed, with writes that land late', () => {
  it('delivers a photo written up to FEED_SETTLE_MS after its ready stamp, once', async () => {
    const eventId = 'late-write';
    const early = photo(eventId, now - 10_000);
    await seedPhoto(repository, early);
    const first = await listing.listPhotos(eventId, { limit: 10 });
    expect(first.items.map((item) => item.photoId)).toEqual([early.photoId]);

    // Stamped ready now, but its write lands only after the reader's next poll.
    const late = photo(eventId, now);
    now += FEED_SETTLE_MS - 200;
    const beforeWrite = await feedIds(eventId, first.feedCursor!);
    expect(beforeWrite.ids).toEqual([]);
    await seedPhoto(repository, late);
    now += 100;
    const afterWrite = await feedIds(eventId, beforeWrite.next);
    expect(afterWrite.ids).toEqual([late.photoId]);
    now += 10_000;
    expect((await feedIds(eventId, afterWrite.next)).ids).toEqual([]);
  });

  it('keeps what it delivered in the last moments out of the next answers', async () => {
    const eventId = 'recent';
    const first = await listing.listPhotos(eventId, { limit: 10 });
    const fresh = [photo(eventId, now), photo(eventId, now + 1)];
    for (const item of fresh) await seedPhoto(repository, item);
    now += 5;
    const once = await feedIds(eventId, first.feedCursor!);
    expect(once.ids).toEqual(fresh.map((item) => item.photoId));
    const twice = await feedIds(eventId, once.next);
    expect(twice.ids).toEqual([]);
    now += FEED_SETTLE_MS * 2;
    expect((await feedIds(eventId, twice.next)).ids).toEqual([]);
  });

  it('moves a photo stamped ready again to its new place, in the list and the feed', async () => {
    const eventId = 'restamp';
    const first = photo(eventId, now - 5000);
    const second = photo(eventId, now - 4000);
    for (const item of [first, second]) await seedPhoto(repository, item);
    const page = await listing.listPhotos(eventId, { limit: 10 });
    expect(await repository.markPhotoReady(eventId, first.photoId, new Date(now).toISOString())).toBe(true);
    const listed = await listing.listPhotos(eventId, { limit: 10 });
    expect(listed.items.map((item) => item.photoId)).toEqual([first.photoId, second.photoId]);
    expect(listed.items[0]!.createdAt).toBe(new Date(now).toISOString());
    expect((await feedIds(eventId, page.feedCursor!)).ids).toEqual([first.photoId]);
    expect(await repository.markPhotoReady(eventId, photo(eventId, now).photoId, new Date(now).toISOString())).toBe(false);
  });
});

describe('accepted photos', () => {
  it('lists, counts and feeds no photo before it is ready; once ready, feeds it at its ready time', async () => {
    const eventId = 'accepted';
    const accepted = photo(eventId, now - 60_000);
    await seedPhoto(repository, accepted, { ready: false });
    const first = await listing.listPhotos(eventId, { limit: 10 });
    expect(first.items).toEqual([]);
    expect((await listing.listPhotos(eventId, { limit: 10, uploaderId: accepted.uploaderId })).items).toEqual([]);
    expect(await repository.countPhotos(eventId)).toBe(0);
    now += 10_000;
    const before = await feedIds(eventId, first.feedCursor!);
    expect(before.ids).toEqual([]);

    expect(await repository.markPhotoReady(eventId, accepted.photoId, new Date(now).toISOString())).toBe(true);
    now += 100;
    const after = await feedIds(eventId, before.next);
    expect(after.ids).toEqual([accepted.photoId]);
    expect((await listing.listPhotos(eventId, { limit: 10, uploaderId: accepted.uploaderId })).items).toEqual([
      { ...accepted, createdAt: new Date(now - 100).toISOString() },
    ]);
    expect(await repository.countPhotos(eventId)).toBe(1);
  });
});

describe('search', () => {
  it(`reads at most ${SEARCH_BUDGET} photos per request and goes on with a cursor`, { timeout: 120_000 }, async () => {
    const eventId = 'big-event';
    const oldest = photo(eventId, now - 1_000_000, 'The needle');
    await seedPhoto(repository, oldest);
    const hay = Array.from({ length: SEARCH_BUDGET + 50 }, (_, index) => photo(eventId, now - 900_000 + index, `Hay ${index}`));
    for (let index = 0; index < hay.length; index += 50)
      await Promise.all(hay.slice(index, index + 50).map((item) => seedPhoto(repository, item)));

    const q = foldForSearch('NEEDLE');
    const first = await listing.listPhotos(eventId, { limit: 10, q });
    expect(first.items).toEqual([]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await listing.listPhotos(eventId, { limit: 10, q, cursor: first.nextCursor! });
    expect(second.items.map((item) => item.photoId)).toEqual([oldest.photoId]);
    expect(second.nextCursor).toBeNull();
    // Not every item a listing attribute: what callers get is the photo as stored, nothing more.
    expect(second.items[0]).toEqual(oldest);
  });
});
