import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { FIXTURE_EVENT_ID as EVENT_ID, ORGANIZER_ID, eventRecord, seedMember } from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { createHandler } from './create-invite';

const NOW = new Date('2026-05-01T10:00:00.000Z');
const rights = { upload: true, viewOthers: false, downloadOriginals: true };
const AS_ORGANIZER = { sub: ORGANIZER_ID, 'cognito:groups': ['organizers'] };

let stores: FakeStores;
let handler: ReturnType<typeof createHandler>;

function invoke(options: HttpEventOptions = {}) {
  return handler(
    httpEvent({
      method: 'POST',
      path: `/events/${EVENT_ID}/invites`,
      pathParameters: { eventId: EVENT_ID },
      body: rights,
      claims: AS_ORGANIZER,
      ...options,
    }),
    lambdaContext(),
  );
}

beforeEach(async () => {
  stores = fakeStores();
  handler = createHandler(stores, 'https://photos.example.test/app', () => NOW, tokenGroups);
  await stores.photos.createEvent(eventRecord());
  await seedMember(stores.members, EVENT_ID, 'member-sub');
});

describe('create-invite', () => {
  it("answers 201 with a 256-bit code, shown once, and the web app's link carrying it; the store keeps only its hash", async () => {
    const create = vi.spyOn(stores.members, 'createInvite');
    const result = await invoke();
    expect(result.statusCode).toBe(201);
    const body = jsonOf(result);
    expect(body).toEqual({
      inviteId: expect.stringMatching(/^[0-9a-f]{32}$/),
      code: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      url: expect.any(String),
      ...rights,
      expiresAt: null,
    });
    expect(Buffer.from(body.code, 'base64url')).toHaveLength(32);
    expect(body.url).toBe(`https://photos.example.test/app/?event=${EVENT_ID}&invite=${body.code}`);
    expect(create).toHaveBeenCalledExactlyOnceWith(
      { eventId: EVENT_ID, ...rights, expiresAt: null, createdAt: NOW.toISOString() },
      createHash('sha256').update(body.code).digest('hex'),
    );
    expect(JSON.stringify(await stores.members.listInvites(EVENT_ID))).not.toContain(body.code);
    expect(jsonOf(await invoke()).code).not.toBe(body.code);
  });

  it('keeps an expiry as UTC, and refuses one that is not in the future', async () => {
    const result = await invoke({ body: { ...rights, expiresAt: '2026-05-01T14:00:00+02:00' } });
    expect(jsonOf(result).expiresAt).toBe('2026-05-01T12:00:00.000Z');
    for (const expiresAt of [NOW.toISOString(), '2026-05-01T09:00:00Z']) {
      expect(jsonOf(await invoke({ body: { ...rights, expiresAt } })).error).toMatchObject({ code: 'ValidationError', field: 'expiresAt' });
    }
  });

  it("makes relative links when the web app's address is not known ('*')", async () => {
    handler = createHandler(stores, '*', () => NOW, tokenGroups);
    expect(jsonOf(await invoke()).url).toMatch(new RegExp(`^/\\?event=${EVENT_ID}&invite=[A-Za-z0-9_-]{43}$`));
  });

  it.each([
    ['a member', { sub: 'member-sub', 'cognito:groups': ['organizers'] }, 403],
    ['a stranger (as for an unknown event)', { sub: 'stranger-sub', 'cognito:groups': ['organizers'] }, 404],
    ['the creator once out of the organizers group', { sub: ORGANIZER_ID }, 404],
  ])('refuses %s, recording nothing', async (_name, claims, status) => {
    const before = await stores.members.listInvites(EVENT_ID); // the member's own
    expect((await invoke({ claims })).statusCode).toBe(status);
    await expect(stores.members.listInvites(EVENT_ID)).resolves.toEqual(before);
  });

  it.each([
    ['upload', { viewOthers: true, downloadOriginals: true }],
    ['viewOthers', { ...rights, viewOthers: 'yes' }],
    ['expiresAt', { ...rights, expiresAt: 'next week' }],
    ['code', { ...rights, code: 'mine' }],
  ])('answers 400 naming %s', async (field, body) => {
    expect(jsonOf(await invoke({ body })).error).toMatchObject({ code: 'ValidationError', field });
  });
});
