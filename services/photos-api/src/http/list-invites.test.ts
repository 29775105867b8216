import { beforeEach, describe, expect, it } from 'vitest';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { FIXTURE_EVENT_ID as EVENT_ID, ORGANIZER_ID, eventRecord, inviteCode, seedMember } from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { createHandler as listHandler } from './list-invites';
import { createHandler as revokeHandler } from './revoke-invite';

const NOW = new Date('2026-05-01T10:00:00.000Z');
const rights = { upload: true, viewOthers: true, downloadOriginals: false };
const AS_ORGANIZER = { sub: ORGANIZER_ID, 'cognito:groups': ['organizers'] };

let stores: FakeStores;

const list = (claims: HttpEventOptions['claims'] = AS_ORGANIZER) =>
  listHandler(stores, tokenGroups)(
    httpEvent({ path: `/events/${EVENT_ID}/invites`, pathParameters: { eventId: EVENT_ID }, claims }),
    lambdaContext(),
  );
const revoke = (inviteId: string, claims: HttpEventOptions['claims'] = AS_ORGANIZER) =>
  revokeHandler(
    stores,
    () => NOW,
    tokenGroups,
  )(
    httpEvent({
      method: 'DELETE',
      path: `/events/${EVENT_ID}/invites/${inviteId}`,
      pathParameters: { eventId: EVENT_ID, inviteId },
      claims,
    }),
    lambdaContext(),
  );

beforeEach(async () => {
  stores = fakeStores();
  await stores.photos.createEvent(eventRecord());
});

describe('list-invites and revoke-invite', () => {
  it('lists the invites without codes or hashes, revoked ones marked; revoking answers 204, again on a repeat', async () => {
    const { code, codeHash } = inviteCode();
    const { inviteId } = await stores.members.createInvite(
      { eventId: EVENT_ID, ...rights, expiresAt: null, createdAt: NOW.toISOString() },
      codeHash,
    );
    const listed = await list();
    expect(jsonOf(listed)).toEqual({ items: [{ inviteId, ...rights, expiresAt: null, createdAt: NOW.toISOString(), revokedAt: null }] });
    expect(listed.body).not.toContain(code);
    expect(listed.body).not.toContain(codeHash);
    for (let n = 0; n < 2; n++) expect((await revoke(inviteId)).statusCode).toBe(204);
    expect(jsonOf(await list()).items[0].revokedAt).toBe(NOW.toISOString());
  });

  it('answers 404 naming inviteId for an invite that is not there, 400 for a malformed id', async () => {
    expect(jsonOf(await revoke('0'.repeat(32))).error).toMatchObject({ code: 'NotFound', field: 'inviteId' });
    expect(jsonOf(await revoke('not-an-id')).error).toMatchObject({ code: 'ValidationError', field: 'inviteId' });
  });

  it('answers a member 403 and anyone else 404, as for an unknown event', async () => {
    await seedMember(stores.members, EVENT_ID, 'member-sub');
    const { inviteId } = (await stores.members.listInvites(EVENT_ID))[0]!;
    const member = { sub: 'member-sub', 'cognito:groups': ['organizers'] };
    const stranger = { sub: 'stranger-sub', 'cognito:groups': ['organizers'] };
    expect([(await list(member)).statusCode, (await revoke(inviteId, member)).statusCode]).toEqual([403, 403]);
    expect([(await list(stranger)).statusCode, (await revoke(inviteId, stranger)).statusCode]).toEqual([404, 404]);
    expect(jsonOf(await list(stranger)).error.field).toBe('eventId');
    expect((await stores.members.listInvites(EVENT_ID))[0]!.revokedAt).toBeUndefined();
  });
});
