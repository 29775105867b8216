import { DEFAULT_UPLOAD_QUOTAS } from '@event-photos/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import {
  FIXTURE_EVENT_ID as EVENT_ID,
  ORGANIZER_ID,
  UNLIMITED_QUOTAS,
  eventRecord,
  photoRecord,
  seedMember,
  seedPhoto,
  uploadRecord,
} from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { createHandler } from './get-event';

const stored = eventRecord({ description: 'Day one' });
const id = (n: number) => `01890a5d-ac96-774b-bcce-${String(n).padStart(12, '0')}`;
/** A photo of the fixture event (distinct bytes: the event keeps one photo per content). */
const photoOf = (n: number, overrides: Parameters<typeof photoRecord>[0] = {}) =>
  photoRecord({ photoId: id(n), sha256: String(n).padStart(64, '0'), ...overrides });

let stores: FakeStores;
let handler: ReturnType<typeof createHandler>;

function invoke(options: HttpEventOptions = {}) {
  return handler(
    httpEvent({ method: 'GET', path: `/events/${EVENT_ID}`, pathParameters: { eventId: EVENT_ID }, ...options }),
    lambdaContext(),
  );
}

beforeEach(async () => {
  stores = fakeStores();
  handler = createHandler(stores, tokenGroups);
  await stores.photos.createEvent(stored);
  await seedMember(stores.members, EVENT_ID, TEST_SUB);
  // Three processed photos; a pending upload, a photo accepted but not ready yet, a deleted one and another event's photo do not count.
  for (const n of [1, 2, 3]) await seedPhoto(stores.photos, photoOf(n));
  await stores.photos.reserveUpload(uploadRecord({ photoId: id(4) }), UNLIMITED_QUOTAS);
  await seedPhoto(stores.photos, photoOf(5, { eventId: 'other' }));
  await seedPhoto(stores.photos, photoOf(6), { ready: false });
  await seedPhoto(stores.photos, photoOf(7));
  await stores.photos.deletePhoto(EVENT_ID, id(7), photoOf(7).uploaderId);
});

describe('get-event', () => {
  it('returns the event with its processed photo count, not its organizer id', async () => {
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({
      eventId: EVENT_ID,
      name: 'Summit',
      description: 'Day one',
      open: true,
      createdAt: stored.createdAt,
      mine: false,
      quotas: DEFAULT_UPLOAD_QUOTAS,
      photoCount: 3,
      rights: { upload: true, viewOthers: true, downloadOriginals: true },
    });
    expect(result.body).not.toContain(ORGANIZER_ID);
  });

  it('says `mine` to its organizer', async () => {
    const claims = { sub: ORGANIZER_ID, 'cognito:groups': ['organizers'] };
    expect(jsonOf(await invoke({ claims })).mine).toBe(true);
    expect(jsonOf(await invoke({ claims: { sub: TEST_SUB, 'cognito:groups': ['organizers'] } })).mine).toBe(false);
  });

  it("answers a member's rights as their invite gave them, and every right to its organizer", async () => {
    const rights = { upload: false, viewOthers: true, downloadOriginals: false };
    await seedMember(stores.members, EVENT_ID, 'viewer-sub', { rights });
    expect(jsonOf(await invoke({ claims: { sub: 'viewer-sub' } })).rights).toEqual(rights);
    const claims = { sub: ORGANIZER_ID, 'cognito:groups': ['organizers'] };
    expect(jsonOf(await invoke({ claims })).rights).toEqual({ upload: true, viewOthers: true, downloadOriginals: true });
  });

  it('counts only their own photos for a member who sees only their own', async () => {
    await seedMember(stores.members, EVENT_ID, 'guest-sub', { rights: { upload: true, viewOthers: false, downloadOriginals: false } });
    await seedPhoto(stores.photos, photoOf(8, { uploaderId: 'guest-sub' }));
    expect(jsonOf(await invoke({ claims: { sub: 'guest-sub' } })).photoCount).toBe(1);
    expect(jsonOf(await invoke()).photoCount).toBe(4);
  });

  it.each<[string, HttpEventOptions, string]>([
    ['an unknown event', { pathParameters: { eventId: 'unknown' } }, 'unknown'],
    [
      'an event the caller neither organizes nor is a member of',
      { claims: { sub: 'stranger-sub', 'cognito:groups': ['organizers'] } },
      EVENT_ID,
    ],
    ['an event whose creator the organizers group no longer holds', { claims: { sub: ORGANIZER_ID } }, EVENT_ID],
  ])('returns 404 naming the eventId for %s, without counting, the same answer', async (_name, options, eventId) => {
    const count = vi.spyOn(stores.photos, 'countPhotos');
    const result = await invoke(options);
    expect(result.statusCode).toBe(404);
    expect(jsonOf(result)).toEqual({ error: { code: 'NotFound', message: `Event ${eventId} does not exist`, field: 'eventId' } });
    expect(count).not.toHaveBeenCalled();
  });

  it('returns 400 for an unsafe eventId', async () => {
    const read = vi.spyOn(stores.photos, 'getEvent');
    const result = await invoke({ pathParameters: { eventId: '..' } });
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe('eventId');
    expect(read).not.toHaveBeenCalled();
  });
});
