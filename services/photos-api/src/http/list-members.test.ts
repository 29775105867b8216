import { beforeEach, describe, expect, it } from 'vitest';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import {
  FIXTURE_EVENT_ID as EVENT_ID,
  ORGANIZER_ID,
  eventRecord,
  photoRecord,
  seedMember,
  seedPhoto,
} from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { createHandler as listHandler } from './list-members';
import { createHandler as removeHandler } from './remove-member';

const NOW = new Date('2026-05-01T10:00:00.000Z');
const DROP_BOX = { upload: true, viewOthers: false, downloadOriginals: false };
const AS_ORGANIZER = { sub: ORGANIZER_ID, 'cognito:groups': ['organizers'] };

let stores: FakeStores;

const list = (query: Record<string, string> = {}, claims: HttpEventOptions['claims'] = AS_ORGANIZER) =>
  listHandler(stores, tokenGroups)(
    httpEvent({
      path: `/events/${EVENT_ID}/members`,
      pathParameters: { eventId: EVENT_ID },
      queryStringParameters: query,
      claims,
    }),
    lambdaContext(),
  );
const remove = (memberId: string, claims: HttpEventOptions['claims'] = AS_ORGANIZER) =>
  removeHandler(stores, tokenGroups)(
    httpEvent({
      method: 'DELETE',
      path: `/events/${EVENT_ID}/members/${memberId}`,
      pathParameters: { eventId: EVENT_ID, memberId },
      claims,
    }),
    lambdaContext(),
  );

beforeEach(async () => {
  stores = fakeStores();
  await stores.photos.createEvent(eventRecord());
});

describe('list-members and remove-member', () => {
  it('lists each member with name, join time, rights and photo count, never a user id; pages with its cursor', async () => {
    const ana = await seedMember(stores.members, EVENT_ID, 'ana-sub', { displayName: 'Ana', rights: DROP_BOX, now: NOW });
    await seedMember(stores.members, EVENT_ID, 'ben-sub', { displayName: 'Ben', now: NOW });
    for (const n of [1, 2])
      await seedPhoto(
        stores.photos,
        photoRecord({ photoId: `01890a5d-ac96-774b-bcce-00000000000${n}`, uploaderId: 'ana-sub', sha256: String(n).repeat(64) }),
      );
    const answer = await list();
    const { items } = jsonOf(answer);
    expect(items).toHaveLength(2);
    expect(items.find((item: { displayName: string }) => item.displayName === 'Ana')).toEqual({
      memberId: ana.memberId,
      displayName: 'Ana',
      joinedAt: NOW.toISOString(),
      photoCount: 2,
      ...DROP_BOX,
    });
    expect(items.find((item: { displayName: string }) => item.displayName === 'Ben')).toMatchObject({ photoCount: 0 });
    expect(answer.body).not.toMatch(/ana-sub|ben-sub/);
    const first = jsonOf(await list({ limit: '1' }));
    const second = jsonOf(await list({ limit: '1', cursor: first.nextCursor }));
    expect([...first.items, ...second.items].map((item: { memberId: string }) => item.memberId).sort()).toEqual(
      items.map((item: { memberId: string }) => item.memberId).sort(),
    );
  });

  it('removes a member at once (204): no membership left; 404 naming memberId for one not there', async () => {
    const ana = await seedMember(stores.members, EVENT_ID, 'ana-sub');
    expect((await remove(ana.memberId)).statusCode).toBe(204);
    await expect(stores.members.getMembership(EVENT_ID, 'ana-sub')).resolves.toBeNull();
    expect(jsonOf(await remove(ana.memberId)).error).toMatchObject({ code: 'NotFound', field: 'memberId' });
    expect(jsonOf(await remove('bad')).error).toMatchObject({ code: 'ValidationError', field: 'memberId' });
  });

  it('answers a member 403 and anyone else 404, as for an unknown event, removing nobody', async () => {
    const ana = await seedMember(stores.members, EVENT_ID, 'ana-sub');
    const member = { sub: 'ana-sub', 'cognito:groups': ['organizers'] };
    const stranger = { sub: 'stranger-sub' };
    expect([(await list({}, member)).statusCode, (await remove(ana.memberId, member)).statusCode]).toEqual([403, 403]);
    expect([(await list({}, stranger)).statusCode, (await remove(ana.memberId, stranger)).statusCode]).toEqual([404, 404]);
    await expect(stores.members.getMembership(EVENT_ID, 'ana-sub')).resolves.not.toBeNull();
  });

  it('answers 400 naming the field for a bad limit or cursor', async () => {
    expect(jsonOf(await list({ limit: '0' })).error.field).toBe('limit');
    expect(jsonOf(await list({ cursor: 'garbage' })).error.field).toBe('cursor');
  });
});
