import { beforeEach, describe, expect, it } from 'vitest';
import { JOIN_ATTEMPTS } from '@event-photos/core';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { FIXTURE_EVENT_ID as EVENT_ID, eventRecord, inviteCode } from '@event-photos/testing/fixtures';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { createHandler } from './join-event';

const NOW = new Date('2026-05-01T10:00:00.000Z');
const DROP_BOX = { upload: true, viewOthers: false, downloadOriginals: false };
const UNKNOWN_EVENT = (eventId: string) => ({ error: { code: 'NotFound', message: `Event ${eventId} does not exist`, field: 'eventId' } });

let stores: FakeStores;
let handler: ReturnType<typeof createHandler>;
let now: Date;

function invoke(code: unknown, options: HttpEventOptions = {}) {
  return handler(
    httpEvent({ method: 'POST', path: `/events/${EVENT_ID}/members`, pathParameters: { eventId: EVENT_ID }, body: { code }, ...options }),
    lambdaContext(),
  );
}

/** An invite of the event; its code. */
async function invite(rights = DROP_BOX, expiresAt: string | null = null) {
  const { code, codeHash } = inviteCode();
  const created = await stores.members.createInvite({ eventId: EVENT_ID, ...rights, expiresAt, createdAt: NOW.toISOString() }, codeHash);
  return { code, inviteId: created.inviteId };
}

beforeEach(async () => {
  stores = fakeStores();
  now = NOW;
  handler = createHandler(stores, () => now);
  await stores.photos.createEvent(eventRecord());
});

describe('join-event', () => {
  it("answers 201 with the membership, named from the token's claims; 200 when already a member", async () => {
    const { code } = await invite();
    const joined = await invoke(code, { claims: { email: 'ana.lopez@example.com' } });
    expect(joined.statusCode).toBe(201);
    const body = jsonOf(joined);
    expect(body).toEqual({ eventId: EVENT_ID, memberId: expect.stringMatching(/^[0-9a-f]{32}$/), ...DROP_BOX });
    expect(joined.body).not.toContain(TEST_SUB);
    expect(await stores.members.getMembership(EVENT_ID, TEST_SUB)).toMatchObject({ displayName: 'ana.lopez', joinedAt: NOW.toISOString() });
    const again = await invoke(code);
    expect(again.statusCode).toBe(200);
    expect(jsonOf(again)).toEqual(body);
  });

  it('widens the membership with a broader invite, never narrows it', async () => {
    await invoke((await invite(DROP_BOX)).code);
    expect(jsonOf(await invoke((await invite({ upload: false, viewOthers: true, downloadOriginals: false })).code))).toMatchObject({
      upload: true,
      viewOthers: true,
      downloadOriginals: false,
    });
    expect(jsonOf(await invoke((await invite({ upload: false, viewOthers: false, downloadOriginals: false })).code))).toMatchObject({
      upload: true,
      viewOthers: true,
    });
  });

  it('answers a wrong, revoked or expired code, and an unknown event, with the same 404, making no member', async () => {
    const revoked = await invite();
    await stores.members.revokeInvite(EVENT_ID, revoked.inviteId, NOW);
    const expired = await invite(DROP_BOX, '2026-05-01T10:00:01.000Z');
    now = new Date('2026-05-01T10:00:01.000Z');
    for (const code of ['wrong', inviteCode().code, revoked.code, expired.code])
      expect(jsonOf(await invoke(code)), code).toEqual(UNKNOWN_EVENT(EVENT_ID));
    const valid = await invite();
    const unknown = await invoke(valid.code, { pathParameters: { eventId: 'no-such-event' } });
    expect(jsonOf(unknown)).toEqual(UNKNOWN_EVENT('no-such-event'));
    await expect(stores.members.getMembership(EVENT_ID, TEST_SUB)).resolves.toBeNull();
  });

  it(`counts every attempt, across events: the ${JOIN_ATTEMPTS.attempts + 1}th in ${JOIN_ATTEMPTS.windowSeconds / 60} minutes is 429 with Retry-After, even with a valid code`, async () => {
    for (let n = 0; n < JOIN_ATTEMPTS.attempts; n++)
      expect((await invoke(`guess-${n}`, n % 2 ? { pathParameters: { eventId: 'elsewhere' } } : {})).statusCode).toBe(404);
    const refused = await invoke((await invite()).code);
    expect(refused.statusCode).toBe(429);
    expect(jsonOf(refused).error).toMatchObject({ code: 'TooManyRequests', message: expect.stringMatching(/try again in \d+ minutes?$/) });
    expect(refused.headers?.['retry-after']).toBe(String(JOIN_ATTEMPTS.windowSeconds));
    await expect(stores.members.getMembership(EVENT_ID, TEST_SUB)).resolves.toBeNull();
    // Another user is not held back, and the next window lets the caller in.
    expect((await invoke((await invite()).code, { claims: { sub: 'other-sub' } })).statusCode).toBe(201);
    now = new Date(NOW.getTime() + JOIN_ATTEMPTS.windowSeconds * 1000);
    expect((await invoke((await invite()).code)).statusCode).toBe(201);
  });

  it.each([
    [{}, 'code'],
    [{ code: '' }, 'code'],
    [{ code: 7 }, 'code'],
    [{ code: 'x', extra: 1 }, 'extra'],
  ])('answers 400 for %j naming %s, counting no attempt', async (body, field) => {
    const result = await handler(
      httpEvent({ method: 'POST', path: `/events/${EVENT_ID}/members`, pathParameters: { eventId: EVENT_ID }, body }),
      lambdaContext(),
    );
    expect(jsonOf(result).error).toMatchObject({ code: 'ValidationError', field });
  });
});
