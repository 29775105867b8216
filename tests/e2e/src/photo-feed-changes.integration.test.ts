import type { PhotoListing, PhotoRepository } from '@event-photos/aws';
import { FEED_SETTLE_MS, type Photo } from '@event-photos/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPhoto } from '@event-photos/testing/fixtures';
import { listingOnEmulator } from './support/listing-on-emulator';

// The feed's edits and deletes (changed, removed) on the real emulator, with a clock the test
// moves: a change whose write lands after a poll, a burst of more changes than one answer reads,
// and a cursor that stops repeating them once they are settled.
let now = Date.parse('2026-07-01T10:00:00.000Z');
let repository: PhotoRepository;
let listing: PhotoListing;
let serial = 0;

let close: () => Promise<void>;

beforeAll(async () => {
  ({ repository, listing, close } = await listingOnEmulator('feed-changes', () => now));
});

afterAll(async () => {
  await close?.();
});

function photo(eventId: string, readyAt: number, uploaderId = 'ana-sub'): Photo {
  const hex = (++serial).toString(16).padStart(12, '0');
  return {
    photoId: `01890a5d-ac96-7000-8000-${hex}`,
    eventId,
    title: `Photo ${serial}`,
    description: '',
    contentType: 'image/jpeg',
    size: 1000,
    sha256: hex.padStart(64, '0'),
    url: `https://cdn.example/${hex}.jpg`,
    uploaderId,
    uploaderName: uploaderId,
    objectKeys: [`photos/event_${eventId}/${hex}.jpg`],
    createdAt: new Date(readyAt).toISOString(),
  };
}

async function feed(eventId: string, since: string, uploaderId?: string) {
  const answer = await listing.listPhotos(eventId, { limit: 100, since, ...(uploaderId ? { uploaderId } : {}) });
  return {
    changed: (answer.changed ?? []).map(({ photoId, title }) => ({ photoId, title })),
    removed: answer.removed ?? [],
    next: answer.feedCursor!,
  };
}

describe('edits and deletes in the feed', () => {
  it('tells of an edit and a delete whose writes land after a poll (up to FEED_SETTLE_MS after their stamp), then stops repeating them', async () => {
    const eventId = 'late-changes';
    const [edited, deleted] = [photo(eventId, now - 60_000), photo(eventId, now - 50_000)];
    for (const item of [edited, deleted]) await seedPhoto(repository, item);
    const first = await listing.listPhotos(eventId, { limit: 10 });

    // Stamped now, written only after the next poll.
    const stamp = new Date(now);
    now += FEED_SETTLE_MS - 200;
    const before = await feed(eventId, first.feedCursor!);
    expect(before).toMatchObject({ changed: [], removed: [] });
    await repository.updatePhotoText(eventId, edited.photoId, { title: 'Edited late' }, stamp);
    await repository.deletePhoto(eventId, deleted.photoId, deleted.uploaderId, stamp);
    now += 100;
    const after = await feed(eventId, before.next);
    expect(after.changed).toEqual([{ photoId: edited.photoId, title: 'Edited late' }]);
    expect(after.removed).toEqual([deleted.photoId]);

    // The next answer may tell of them again (they are not settled yet when `after` was made);
    // once settled, the cursor has moved past them.
    now += FEED_SETTLE_MS + 5000;
    const again = await feed(eventId, after.next);
    expect(again.removed).toEqual([deleted.photoId]);
    expect(await feed(eventId, again.next)).toMatchObject({ changed: [], removed: [] });
  });

  it("gives an edit as the photo is now, not as the edit left it, and keeps one uploader's feed to theirs", async () => {
    const eventId = 'current-state';
    const ana = photo(eventId, now - 60_000);
    const bo = photo(eventId, now - 59_000, 'bo-sub');
    for (const item of [ana, bo]) await seedPhoto(repository, item);
    const first = await listing.listPhotos(eventId, { limit: 10 });
    const anas = await listing.listPhotos(eventId, { limit: 10, uploaderId: 'ana-sub' });
    await repository.updatePhotoText(eventId, ana.photoId, { title: 'First edit' }, new Date(now));
    await repository.updatePhotoText(eventId, ana.photoId, { title: 'Second edit' }, new Date(now + 1));
    await repository.updatePhotoText(eventId, bo.photoId, { title: "Bo's edit" }, new Date(now + 2));
    await repository.deletePhoto(eventId, bo.photoId, bo.uploaderId, new Date(now + 3));
    now += 10;
    const all = await feed(eventId, first.feedCursor!);
    expect(all.changed).toEqual([{ photoId: ana.photoId, title: 'Second edit' }]);
    expect(all.removed).toEqual([bo.photoId]);
    const own = await feed(eventId, anas.feedCursor!, 'ana-sub');
    expect(own.changed).toEqual([{ photoId: ana.photoId, title: 'Second edit' }]);
    expect(own.removed).toEqual([]);
  });

  it('tells of more changes than one answer reads over the next answers, missing none', { timeout: 120_000 }, async () => {
    const eventId = 'many-changes';
    const photos = Array.from({ length: 620 }, (_, index) => photo(eventId, now - 600_000 + index));
    for (const item of photos) await seedPhoto(repository, item);
    const first = await listing.listPhotos(eventId, { limit: 1 });
    // Deleted a millisecond apart, as batch deletes of 100 would be, then settled.
    for (const [index, item] of photos.entries())
      await repository.deletePhoto(eventId, item.photoId, item.uploaderId, new Date(now + index));
    now += 620 + FEED_SETTLE_MS + 1000;
    const told = new Set<string>();
    let since = first.feedCursor!;
    let answers = 0;
    for (let answer = await feed(eventId, since); answer.removed.length > 0 && answers < 10; answer = await feed(eventId, since)) {
      answers++;
      for (const photoId of answer.removed) told.add(photoId);
      since = answer.next;
    }
    expect(told.size).toBe(photos.length);
    expect(answers).toBe(2);
  });
});
