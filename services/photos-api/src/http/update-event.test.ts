import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_UPLOAD_QUOTAS, type PhotoEvent } from '@event-photos/core';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { FIXTURE_EVENT_ID as EVENT_ID, eventRecord, seedMember } from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { createHandler } from './update-event';

const stored = eventRecord({ organizerId: TEST_SUB });

let stores: FakeStores;
let handler: ReturnType<typeof createHandler>;

function invoke(options: HttpEventOptions = {}) {
  return handler(
    httpEvent({
      method: 'PATCH',
      path: `/events/${EVENT_ID}`,
      pathParameters: { eventId: EVENT_ID },
      body: { open: false },
      claims: { 'cognito:groups': '[organizers]' },
      ...options,
    }),
    lambdaContext(),
  );
}

/** The event, and its members: everyone the tests call as but the creator. */
async function arrange(event: PhotoEvent | null = stored) {
  stores = fakeStores();
  handler = createHandler(stores, tokenGroups);
  if (!event) return;
  await stores.photos.createEvent(event);
  for (const member of ['attendee-sub', 'other-organizer']) await seedMember(stores.members, EVENT_ID, member);
}

beforeEach(() => arrange());

describe('update-event', () => {
  it('lets the organizer close the event, answering 200 with the event', async () => {
    const update = vi.spyOn(stores.photos, 'updateEvent');
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({
      eventId: EVENT_ID,
      name: 'Summit',
      description: '',
      open: false,
      createdAt: stored.createdAt,
      mine: true,
      quotas: DEFAULT_UPLOAD_QUOTAS,
    });
    // The write is conditional on the caller too (an organizer change between read and write).
    expect(update).toHaveBeenCalledWith(EVENT_ID, TEST_SUB, { open: false });
    await expect(stores.photos.getEvent(EVENT_ID)).resolves.toStrictEqual({ ...stored, open: false });
  });

  it('changes name and description, trimming the name', async () => {
    const result = await invoke({ body: { name: '  Summit 2026 · 서울 ', description: 'Day one\nand two' } });
    expect(jsonOf(result)).toMatchObject({ name: 'Summit 2026 · 서울', description: 'Day one\nand two', open: true });
    expect(await stores.photos.getEvent(EVENT_ID)).toMatchObject({ name: 'Summit 2026 · 서울', description: 'Day one\nand two' });
  });

  it.each([
    ['a member (no group)', { claims: { sub: 'attendee-sub' } }],
    ['a member in the organizers group', { claims: { sub: 'other-organizer', 'cognito:groups': '[organizers]' } }],
  ])('returns 403 to %s, changing nothing', async (_name, options) => {
    const result = await invoke(options);
    expect(result.statusCode).toBe(403);
    expect(jsonOf(result).error.code).toBe('Forbidden');
    await expect(stores.photos.getEvent(EVENT_ID)).resolves.toStrictEqual(stored);
  });

  it.each([
    ['anyone else, whatever their groups', { claims: { sub: 'stranger', 'cognito:groups': '[organizers]' } }],
    ['the creator, once out of the organizers group (and no member)', { claims: { 'cognito:groups': '[admins]' } }],
  ])('returns 404 to %s, as for an unknown event, changing nothing', async (_name, options) => {
    const result = await invoke(options);
    expect(jsonOf(result)).toEqual({ error: { code: 'NotFound', message: `Event ${EVENT_ID} does not exist`, field: 'eventId' } });
    await expect(stores.photos.getEvent(EVENT_ID)).resolves.toStrictEqual(stored);
  });

  it('returns 404 to the creator whose token names the group when the check says the pool no longer holds it; 403 once a member', async () => {
    const inGroup = vi.fn(async () => false);
    handler = createHandler(stores, inGroup);
    expect((await invoke()).statusCode).toBe(404);
    expect(inGroup).toHaveBeenCalledExactlyOnceWith(expect.anything(), 'organizers');
    await seedMember(stores.members, EVENT_ID, TEST_SUB);
    expect((await invoke()).statusCode).toBe(403);
    await expect(stores.photos.getEvent(EVENT_ID)).resolves.toStrictEqual(stored);
  });

  it('returns 403 to a member of an event without a recorded organizer', async () => {
    await arrange(eventRecord({ organizerId: undefined }));
    expect((await invoke({ claims: { sub: 'attendee-sub', 'cognito:groups': '[organizers]' } })).statusCode).toBe(403);
  });

  it('returns 404 naming the eventId for an unknown event', async () => {
    await arrange(null);
    const update = vi.spyOn(stores.photos, 'updateEvent');
    const result = await invoke();
    expect(result.statusCode).toBe(404);
    expect(jsonOf(result).error).toMatchObject({ code: 'NotFound', field: 'eventId' });
    expect(update).not.toHaveBeenCalled();
  });

  it('returns 404 when the event goes away between the read and the write', async () => {
    // The store's conditional update finds no event (or no longer this organizer's).
    vi.spyOn(stores.photos, 'updateEvent').mockResolvedValue(null);
    expect((await invoke()).statusCode).toBe(404);
  });

  it.each([
    ['body', {}],
    ['extra', { open: false, extra: 1 }],
    ['organizerId', { organizerId: 'me' }],
    ['eventId', { eventId: 'other' }],
    ['open', { open: 'no' }],
    ['name', { name: '   ' }],
    ['name', { name: 'n'.repeat(201) }],
    ['description', { description: 'd'.repeat(2001) }],
    ['description', { description: 'bell\u0007' }],
    ['body', 'not json'],
    ['body', undefined],
  ])('returns 400 on field %s for %j, changing nothing', async (field, body) => {
    const result = await invoke({ body });
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe(field);
    await expect(stores.photos.getEvent(EVENT_ID)).resolves.toStrictEqual(stored);
  });
});
