import { DEFAULT_UPLOAD_QUOTAS } from '@event-photos/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { FIXTURE_EVENT_ID as EVENT_ID, ORGANIZER_ID, eventRecord, photoRecord, uploadRecord } from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { createHandler } from './get-event';

const stored = eventRecord({ description: 'Day one' });
const id = (n: number) => `01890a5d-ac96-774b-bcce-${String(n).padStart(12, '0')}`;

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
  // Three processed photos; a pending upload and another event's photo do not count.
  for (const n of [1, 2, 3]) await stores.photos.savePhoto(photoRecord({ photoId: id(n) }));
  await stores.photos.savePendingUpload(uploadRecord({ photoId: id(4) }));
  await stores.photos.savePhoto(photoRecord({ eventId: 'other', photoId: id(5) }));
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
    });
    expect(result.body).not.toContain(ORGANIZER_ID);
  });

  it('says `mine` to its organizer', async () => {
    const claims = { sub: ORGANIZER_ID, 'cognito:groups': ['organizers'] };
    expect(jsonOf(await invoke({ claims })).mine).toBe(true);
    expect(jsonOf(await invoke({ claims: { sub: TEST_SUB, 'cognito:groups': ['organizers'] } })).mine).toBe(false);
  });

  it('returns 404 naming the eventId for an unknown event, without counting', async () => {
    const count = vi.spyOn(stores.photos, 'countPhotos');
    const result = await invoke({ pathParameters: { eventId: 'unknown' } });
    expect(result.statusCode).toBe(404);
    expect(jsonOf(result).error).toMatchObject({ code: 'NotFound', field: 'eventId' });
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
