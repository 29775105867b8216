import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { FIXTURE_EVENT_ID as EVENT_ID, eventRecord, photoRecord, seedMember, seedPhoto } from '@event-photos/testing/fixtures';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext } from '../test-support/events';
import { expectSignedUrls, publishedPhoto, signedView, testSigner } from '../test-support/cdn-signer';
import { createHandler } from './list-photos';

/** The caller's access where it does not change the view (their own photos): as the organizer. */
const OWN = { kind: 'organizer' } as const;

const OLDER = '01890a5d-0000-7000-8000-000000000001';
const NEWER = '01890a5d-ac96-774b-bcce-b302099a8057';
// OLDER's upload started first but it became ready last: the list follows ready time. Distinct
// bytes: the event keeps one photo per content.
const older = photoRecord({
  photoId: OLDER,
  title: 'Straße am Abend',
  uploaderId: TEST_SUB,
  sha256: '01'.repeat(32),
  createdAt: '2026-05-01T10:00:02.000Z',
});
const newer = photoRecord({
  photoId: NEWER,
  title: 'Keynote',
  uploaderId: 'someone-else',
  sha256: '02'.repeat(32),
  createdAt: '2026-05-01T10:00:01.000Z',
});

let stores: FakeStores;
let handler: ReturnType<typeof createHandler>;

function invoke(query?: Record<string, string>, eventId = EVENT_ID, sub = TEST_SUB) {
  return handler(
    httpEvent({
      path: `/events/${eventId}/photos`,
      pathParameters: { eventId },
      claims: { sub },
      ...(query ? { queryStringParameters: query } : {}),
    }),
    lambdaContext(),
  );
}
const idsOf = (result: Awaited<ReturnType<typeof invoke>>) => jsonOf(result).items.map((photo: { photoId: string }) => photo.photoId);

beforeEach(async () => {
  stores = fakeStores();
  handler = createHandler(stores, undefined, testSigner);
  await stores.photos.createEvent(eventRecord());
  await seedMember(stores.members, EVENT_ID, TEST_SUB);
  for (const photo of [older, newer]) await seedPhoto(stores.photos, photo);
});

describe('list-photos', () => {
  it("signs every item's URL and rendition URLs, in lists and feeds", async () => {
    const first = jsonOf(await invoke());
    const published = publishedPhoto({ photoId: '01890a5d-ac96-774b-bcce-b302099a8059', createdAt: '2026-05-01T10:00:02.000Z' });
    await seedPhoto(stores.photos, published);
    const page = jsonOf(await invoke());
    expect(page.items[0].photoId).toBe(published.photoId);
    expectSignedUrls(page.items[0]);
    const feed = jsonOf(await invoke({ since: first.feedCursor }));
    expect(feed.items.map((photo: { photoId: string }) => photo.photoId)).toEqual([published.photoId]);
    expectSignedUrls(feed.items[0]);
  });

  it('returns photos newest ready first, as callers see them, with a feed cursor', async () => {
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({
      items: [signedView(older, TEST_SUB, OWN), signedView(newer, TEST_SUB, OWN)],
      nextCursor: null,
      feedCursor: expect.any(String),
    });
  });

  it("shows the uploader's name, never its sub or object keys, and marks the caller's own photos", async () => {
    const { items } = jsonOf(await invoke());
    expect(items.map((photo: { mine: boolean }) => photo.mine)).toEqual([true, false]);
    for (const photo of items) {
      expect(photo).not.toHaveProperty('uploaderId');
      expect(photo).not.toHaveProperty('objectKeys');
    }
  });

  it('pages with the cursor it returned; a later page has no feed cursor', async () => {
    const first = jsonOf(await invoke({ limit: '1' }));
    expect(first.items.map((photo: { photoId: string }) => photo.photoId)).toEqual([OLDER]);
    const second = jsonOf(await invoke({ limit: '1', cursor: first.nextCursor }));
    expect(second).toMatchObject({ items: [signedView(newer, TEST_SUB, OWN)], feedCursor: null });
  });

  it('passes the limit, 50 by default', async () => {
    const list = vi.spyOn(stores.listing, 'listPhotos');
    await invoke();
    await invoke({ limit: '100' });
    expect(list.mock.calls.map(([, request]) => request.limit)).toEqual([50, 100]);
  });

  it('searches with q, case and Unicode form folded', async () => {
    expect(idsOf(await invoke({ q: '  STRAẞE ' }))).toEqual([OLDER]);
    expect(idsOf(await invoke({ q: 'keynote' }))).toEqual([NEWER]);
    expect(idsOf(await invoke({ q: 'nothing' }))).toEqual([]);
  });

  it("keeps the caller's own photos for uploader=me", async () => {
    expect(idsOf(await invoke({ uploader: 'me' }))).toEqual([OLDER]);
  });

  it('answers a feed (since=) with what became ready after the first page, and no next page', async () => {
    const first = jsonOf(await invoke());
    const later = photoRecord({
      photoId: '01890a5d-ac96-774b-bcce-000000000003',
      sha256: '03'.repeat(32),
      createdAt: '2026-05-01T10:00:03.000Z',
    });
    // Accepted, not ready yet (its objects are being published): in no list or feed.
    await seedPhoto(stores.photos, later, { ready: false });
    expect(jsonOf(await invoke({ since: first.feedCursor })).items).toEqual([]);
    expect(idsOf(await invoke())).toEqual([OLDER, NEWER]);
    await stores.photos.markPhotoReady(EVENT_ID, later.photoId, later.createdAt);
    const feed = jsonOf(await invoke({ since: first.feedCursor }));
    expect(feed).toEqual({
      items: [signedView(later, TEST_SUB, OWN)],
      nextCursor: null,
      feedCursor: expect.any(String),
      changed: [],
      removed: [],
      event: expect.objectContaining({ eventId: EVENT_ID, open: true, mine: false }),
    });
    expect(jsonOf(await invoke({ since: feed.feedCursor })).items).toEqual([]);
  });

  it('tells a feed of the photos edited (signed, as they are now) and deleted since, and of the event as it is now', async () => {
    const first = jsonOf(await invoke());
    await stores.photos.updatePhotoText(EVENT_ID, NEWER, { title: 'Keynote, day one' });
    await stores.photos.deletePhoto(EVENT_ID, OLDER, TEST_SUB);
    await stores.photos.updateEvent(EVENT_ID, eventRecord().organizerId!, { open: false, name: 'Renamed' });
    const feed = jsonOf(await invoke({ since: first.feedCursor }));
    expect(feed.items).toEqual([]);
    expect(feed.changed).toEqual([expect.objectContaining({ photoId: NEWER, title: 'Keynote, day one', mine: false })]);
    expect(new URL(feed.changed[0].url).searchParams.get('Signature')).toBeTruthy();
    expect(feed.removed).toEqual([OLDER]);
    expect(feed.event).toMatchObject({ eventId: EVENT_ID, name: 'Renamed', open: false });
    expect(feed.event).not.toHaveProperty('organizerId');
  });

  it('keeps a member who sees only their own photos to their own edits and deletes', async () => {
    await seedMember(stores.members, EVENT_ID, 'someone-else', { rights: { upload: true, viewOthers: false, downloadOriginals: false } });
    const first = jsonOf(await invoke(undefined, EVENT_ID, 'someone-else'));
    await stores.photos.updatePhotoText(EVENT_ID, OLDER, { title: 'Not theirs' });
    await stores.photos.deletePhoto(EVENT_ID, OLDER, TEST_SUB);
    await stores.photos.updatePhotoText(EVENT_ID, NEWER, { title: 'Theirs' });
    const feed = jsonOf(await invoke({ since: first.feedCursor }, EVENT_ID, 'someone-else'));
    expect(feed.changed.map((photo: { photoId: string }) => photo.photoId)).toEqual([NEWER]);
    expect(feed.removed).toEqual([]);
  });

  it('lists, searches and feeds a member who sees only their own photos their own only, whatever they ask', async () => {
    await seedMember(stores.members, EVENT_ID, 'someone-else', { rights: { upload: true, viewOthers: false, downloadOriginals: false } });
    const first = jsonOf(await invoke(undefined, EVENT_ID, 'someone-else'));
    expect(first.items.map((photo: { photoId: string }) => photo.photoId)).toEqual([NEWER]);
    expect(idsOf(await invoke({ q: 'straße' }, EVENT_ID, 'someone-else'))).toEqual([]);
    expect(idsOf(await invoke({ uploader: 'me' }, EVENT_ID, 'someone-else'))).toEqual([NEWER]);
    const later = (photoId: string, uploaderId: string, n: number) =>
      photoRecord({ photoId, uploaderId, sha256: String(n).repeat(64), createdAt: `2026-05-01T10:00:0${n}.000Z` });
    await seedPhoto(stores.photos, later('01890a5d-ac96-774b-bcce-000000000005', TEST_SUB, 5));
    await seedPhoto(stores.photos, later('01890a5d-ac96-774b-bcce-000000000006', 'someone-else', 6));
    expect(idsOf(await invoke({ since: first.feedCursor }, EVENT_ID, 'someone-else'))).toEqual(['01890a5d-ac96-774b-bcce-000000000006']);
  });

  it.each([
    ['the event does not exist', 'no-such-event', TEST_SUB],
    ['the caller neither organizes it nor is a member', EVENT_ID, 'stranger-sub'],
  ])('returns 404 naming the eventId when %s', async (_name, eventId, sub) => {
    const list = vi.spyOn(stores.listing, 'listPhotos');
    const result = await invoke(undefined, eventId, sub);
    expect(result.statusCode).toBe(404);
    expect(jsonOf(result).error).toEqual({ code: 'NotFound', field: 'eventId', message: `Event ${eventId} does not exist` });
    expect(list).not.toHaveBeenCalled();
  });

  it.each([
    [{ limit: '0' }, 'limit', 'limit must be at least 1'],
    [{ limit: '101' }, 'limit', 'limit must be at most 100'],
    [{ limit: 'abc' }, 'limit', 'limit must be a number'],
    [{ limit: '1.5' }, 'limit', 'limit must be a whole number'],
    [{ cursor: 'garbage' }, 'cursor', 'cursor is not a valid page cursor'],
    [{ cursor: 'a'.repeat(2049) }, 'cursor', 'cursor is not a valid cursor'],
    [{ q: '' }, 'q', 'q must not be empty'],
    [{ q: 'x'.repeat(101) }, 'q', 'q must be at most 100 characters'],
    [{ q: 'a\u0000b' }, 'q', 'q must not contain control characters'],
    [{ uploader: 'someone' }, 'uploader', 'uploader must be "me" (only your own photos)'],
    [{ cursor: 'a', since: 'b' }, 'cursor', 'cursor cannot be combined with since'],
    [{ since: 'not-a-cursor' }, 'since', 'since is not a valid feed cursor'],
    [{ offset: '10' }, 'offset', 'offset is not an allowed field'],
  ])('rejects %j with 400 on field %s', async (query, field, message) => {
    const result = await invoke(query);
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error).toEqual({ code: 'ValidationError', field, message });
  });

  it('rejects an unsafe eventId with 400', async () => {
    const result = await invoke(undefined, '..');
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe('eventId');
  });

  it('answers a store failure with a generic 500', async () => {
    vi.spyOn(stores.listing, 'listPhotos').mockRejectedValue(new Error('ProvisionedThroughputExceeded on photos-test'));
    const result = await invoke();
    expect(result.statusCode).toBe(500);
    expect(jsonOf(result)).toEqual({ error: { code: 'InternalError', message: 'Internal server error' } });
  });
});
