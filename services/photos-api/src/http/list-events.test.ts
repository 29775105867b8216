import { DEFAULT_UPLOAD_QUOTAS } from '@event-photos/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { eventRecord, seedMember } from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { createHandler } from './list-events';

const mine = eventRecord({
  eventId: 'mine',
  name: 'MINE',
  createdAt: '2026-05-02T00:00:00.000Z',
  organizerId: TEST_SUB,
  description: 'Ours',
  open: false,
});
const theirs = eventRecord({
  eventId: 'theirs',
  name: 'THEIRS',
  createdAt: '2026-05-01T00:00:00.000Z',
  organizerId: 'someone-else',
  description: '',
  open: true,
});

let stores: FakeStores;
let handler: ReturnType<typeof createHandler>;

function invoke(options: HttpEventOptions = {}) {
  return handler(httpEvent({ method: 'GET', path: '/events', claims: { 'cognito:groups': '[organizers]' }, ...options }), lambdaContext());
}

beforeEach(async () => {
  stores = fakeStores();
  handler = createHandler(stores, tokenGroups);
  await stores.photos.createEvent(theirs);
  await stores.photos.createEvent(mine);
  await seedMember(stores.members, 'theirs', TEST_SUB);
  // Newer than both, someone else's, and the caller no member: never listed.
  await stores.photos.createEvent(eventRecord({ eventId: 'hidden', createdAt: '2026-06-01T00:00:00.000Z', organizerId: 'someone-else' }));
});

describe('list-events', () => {
  it('lists the events the caller organizes or is a member of, newest first, with `mine` instead of the organizer id, default page size 50', async () => {
    const list = vi.spyOn(stores.members, 'listEventsOf');
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({
      items: [
        {
          eventId: 'mine',
          name: 'MINE',
          description: 'Ours',
          open: false,
          createdAt: mine.createdAt,
          mine: true,
          quotas: DEFAULT_UPLOAD_QUOTAS,
        },
        {
          eventId: 'theirs',
          name: 'THEIRS',
          description: '',
          open: true,
          createdAt: theirs.createdAt,
          mine: false,
          quotas: DEFAULT_UPLOAD_QUOTAS,
        },
      ],
      nextCursor: null,
    });
    expect(result.body).not.toContain(TEST_SUB);
    expect(result.body).not.toContain('someone-else');
    expect(list).toHaveBeenCalledWith(TEST_SUB, { limit: 50 });
  });

  it('shows an event stored before description and open existed as open, without a description', async () => {
    stores = fakeStores();
    handler = createHandler(stores, tokenGroups);
    await stores.photos.createEvent(
      eventRecord({ eventId: 'legacy', name: 'LEGACY', createdAt: '2026-01-01T00:00:00.000Z', description: undefined, open: undefined }),
    );
    await seedMember(stores.members, 'legacy', TEST_SUB);
    expect(jsonOf(await invoke({ claims: {} })).items).toEqual([
      {
        eventId: 'legacy',
        name: 'LEGACY',
        description: '',
        open: true,
        createdAt: '2026-01-01T00:00:00.000Z',
        mine: false,
        quotas: DEFAULT_UPLOAD_QUOTAS,
      },
    ]);
  });

  it('leaves out the events the caller created once out of the organizers group, unless they joined them', async () => {
    const outOfGroup = { claims: { 'cognito:groups': '[]' } };
    expect(jsonOf(await invoke(outOfGroup)).items.map((event: { eventId: string }) => event.eventId)).toEqual(['theirs']);
    await seedMember(stores.members, 'mine', TEST_SUB);
    expect(jsonOf(await invoke(outOfGroup)).items.map(({ eventId, mine }: { eventId: string; mine: boolean }) => [eventId, mine])).toEqual([
      ['mine', false],
      ['theirs', false],
    ]);
  });

  it('lists nothing for a user who organizes and joined nothing', async () => {
    expect(jsonOf(await invoke({ claims: { sub: 'newcomer-sub' } }))).toEqual({ items: [], nextCursor: null });
  });

  it('passes limit and the cursor it answered through to the next page', async () => {
    const first = jsonOf(await invoke({ queryStringParameters: { limit: '1' } }));
    expect(first.items.map((event: { eventId: string }) => event.eventId)).toEqual(['mine']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = jsonOf(await invoke({ queryStringParameters: { limit: '1', cursor: first.nextCursor } }));
    expect(second.items.map((event: { eventId: string }) => event.eventId)).toEqual(['theirs']);
  });

  it('returns 400 on field cursor for a cursor the store did not make', async () => {
    const result = await invoke({ queryStringParameters: { cursor: 'garbage' } });
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe('cursor');
  });

  it.each([
    ['limit', { limit: '0' }],
    ['limit', { limit: '101' }],
    ['limit', { limit: 'ten' }],
    ['cursor', { cursor: 'x'.repeat(3000) }],
    ['sort', { sort: 'asc' }],
  ])('returns 400 on field %s for %j, without asking the store', async (field, queryStringParameters) => {
    const list = vi.spyOn(stores.members, 'listEventsOf');
    const result = await invoke({ queryStringParameters });
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe(field);
    expect(list).not.toHaveBeenCalled();
  });
});
