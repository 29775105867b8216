import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOIN_ATTEMPTS, type InviteRights } from '@event-photos/core';
import type { LocalStack } from '@event-photos/local-stack';
import { type ApiCaller, apiCaller, jpegBytes, signIn, stackWithDemoUsers } from '@event-photos/local-stack/test-support';
import { invite, join } from './support/membership';
import { createUser } from './support/users';

// Events are private (issue "Guests get in", items 1 and 2), over HTTP against the local stack:
// a stranger finds nothing, members see what their invite allows, a removed member is out at
// once, revoked and expired invites and wrong codes look alike, joining is rate-limited, and the
// organizer sees everything and manages invites and members.
const WEB_APP_URL = 'https://photos.example.test/app';
const EVENT = 'private-event';
const OTHER_EVENT = 'other-private-event';

let stack: LocalStack;
let stop: () => Promise<void>;
let organizer: ApiCaller;
/** Users created for this file (no group), by name; each signs in with its own token. */
const users: Record<string, ApiCaller> = {};

/** What anyone who may not see an event is told: what an event that does not exist answers. */
const unknownEvent = (eventId: string) => ({ error: { code: 'NotFound', message: `Event ${eventId} does not exist`, field: 'eventId' } });

const RIGHTS: Record<'full' | 'dropBox' | 'viewer' | 'none', InviteRights> = {
  full: { upload: true, viewOthers: true, downloadOriginals: true },
  dropBox: { upload: true, viewOthers: false, downloadOriginals: false },
  viewer: { upload: false, viewOthers: true, downloadOriginals: true },
  none: { upload: false, viewOthers: false, downloadOriginals: false },
};
type Kind = keyof typeof RIGHTS;
const KINDS = Object.keys(RIGHTS) as Kind[];
/** The user who joined with each kind of invite. */
const NAME: Record<Kind, string> = { full: 'Full', dropBox: 'DropBox', viewer: 'Viewer', none: 'None' };
const as = (kind: Kind) => users[NAME[kind]]!;
const memberIds: Record<string, string> = {};
/** The photo each uploader put into the event, by who uploaded it. */
const photoOf: Record<string, string> = {};

/** A user of the pool with no group, signed in. */
async function newUser(name: string): Promise<ApiCaller> {
  const email = `${name.toLowerCase()}@example.com`;
  const password = `Local-${name}-1!`;
  await createUser(stack.outputs, { email, password });
  return apiCaller(stack.outputs, (await signIn(stack.outputs, email, password)).idToken);
}

/** Initiates and PUTs a photo as `as`; processing runs in the background. */
async function upload(as: ApiCaller, title: string, eventId = EVENT): Promise<string> {
  const bytes = jpegBytes(2048 + Math.floor(Math.random() * 1000));
  const initiated = await as('POST', `/events/${eventId}/photos/initiate-upload`, { title, contentType: 'image/jpeg', size: bytes.length });
  expect(initiated.status, initiated.text).toBe(201);
  const { photoId, s3PutObjectUrl, method, headers } = initiated.json;
  expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
  return photoId;
}

const listed = async (as: ApiCaller, query = '') => {
  const answer = await as('GET', `/events/${EVENT}/photos?limit=100${query}`);
  expect(answer.status, answer.text).toBe(200);
  return answer.json as { items: { photoId: string; title: string }[]; feedCursor: string | null };
};
const listedIds = async (as: ApiCaller, query = '') => (await listed(as, query)).items.map((photo) => photo.photoId).sort();
const eventsOf = async (as: ApiCaller) => ((await as('GET', '/events')).json.items as { eventId: string }[]).map((event) => event.eventId);

beforeAll(async () => {
  ({ stack, stop, organizer } = await stackWithDemoUsers('privacy', { retryDelaysMs: [50, 100], environment: { WEB_APP_URL } }));
  for (const name of ['Stranger', 'Full', 'DropBox', 'Viewer', 'None', 'Removed', 'Guesser', 'Again']) users[name] = await newUser(name);
  for (const eventId of [EVENT, OTHER_EVENT]) expect((await organizer('POST', '/events', { eventId, name: eventId })).status).toBe(201);
  for (const kind of KINDS) {
    const created = await invite(organizer, EVENT, RIGHTS[kind]);
    const joined = await as(kind)('POST', `/events/${EVENT}/members`, { code: created.code });
    expect(joined.status, joined.text).toBe(201);
    expect(joined.json).toEqual({ eventId: EVENT, memberId: expect.stringMatching(/^[0-9a-f]{32}$/), ...RIGHTS[kind] });
    memberIds[kind] = joined.json.memberId;
  }
  photoOf['organizer'] = await upload(organizer, 'Organizer keynote');
  photoOf['full'] = await upload(as('full'), 'Full member photo');
  photoOf['dropBox'] = await upload(as('dropBox'), 'Drop box photo');
  await stack.notifications.idle();
});

afterAll(async () => {
  await stop?.();
});

describe('a stranger', () => {
  it('gets 404 on the event and every route below it, the body an unknown event gets, and changes nothing', async () => {
    const stranger = users['Stranger']!;
    const photo = `/events/${EVENT}/photos/${photoOf['organizer']}`;
    const rights = RIGHTS.full;
    const answers = {
      event: await stranger('GET', `/events/${EVENT}`),
      photos: await stranger('GET', `/events/${EVENT}/photos`),
      feed: await stranger('GET', `/events/${EVENT}/photos?uploader=me`),
      photo: await stranger('GET', photo),
      edit: await stranger('PATCH', photo, { title: 'Mine now' }),
      delete: await stranger('DELETE', photo),
      batchDelete: await stranger('POST', `/events/${EVENT}/photos/batch-delete`, { photoIds: [photoOf['organizer']] }),
      initiate: await stranger('POST', `/events/${EVENT}/photos/initiate-upload`, { title: 'x', contentType: 'image/jpeg', size: 1000 }),
      rename: await stranger('PATCH', `/events/${EVENT}`, { name: 'Mine' }),
      members: await stranger('GET', `/events/${EVENT}/members`),
      removeMember: await stranger('DELETE', `/events/${EVENT}/members/${memberIds['full']}`),
      invites: await stranger('GET', `/events/${EVENT}/invites`),
      createInvite: await stranger('POST', `/events/${EVENT}/invites`, rights),
      revokeInvite: await stranger('DELETE', `/events/${EVENT}/invites/${'0'.repeat(32)}`),
    };
    for (const [route, answer] of Object.entries(answers))
      expect({ route, status: answer.status, json: answer.json }).toEqual({ route, status: 404, json: unknownEvent(EVENT) });
    // What an event that does not exist answers, for comparison: the same, but for its id.
    expect((await stranger('GET', '/events/no-such-event/photos')).json).toEqual(unknownEvent('no-such-event'));
    expect(await eventsOf(stranger)).toEqual([]);
    // Nothing changed.
    expect((await organizer('GET', photo)).json).toMatchObject({ status: 'ready', title: 'Organizer keynote' });
    expect((await organizer('GET', `/events/${EVENT}/members`)).json.items).toHaveLength(KINDS.length);
  });
});

describe('members, by the rights of their invite', () => {
  it.each(KINDS)('%s: sees the event among theirs, is no organizer, and manages nothing (403)', async (kind) => {
    const member = as(kind);
    expect(await eventsOf(member)).toEqual([EVENT]);
    expect((await member('GET', `/events/${EVENT}`)).json).toMatchObject({ eventId: EVENT, mine: false });
    const refused = [
      await member('PATCH', `/events/${EVENT}`, { name: 'Mine' }),
      await member('GET', `/events/${EVENT}/members`),
      await member('DELETE', `/events/${EVENT}/members/${memberIds['full']}`),
      await member('GET', `/events/${EVENT}/invites`),
      await member('POST', `/events/${EVENT}/invites`, RIGHTS.full),
    ];
    expect(refused.map((answer) => answer.status)).toEqual([403, 403, 403, 403, 403]);
    // Another event of the same organizer stays out of reach.
    expect((await member('GET', `/events/${OTHER_EVENT}`)).json).toEqual(unknownEvent(OTHER_EVENT));
  });

  it.each([
    ['full', 201],
    ['dropBox', 201],
    ['viewer', 403],
    ['none', 403],
  ] as const)('%s: initiate-upload answers %i', async (kind, status) => {
    const answer = await as(kind)('POST', `/events/${EVENT}/photos/initiate-upload`, {
      title: 'Try',
      contentType: 'image/jpeg',
      size: 1000,
    });
    expect(answer.status, answer.text).toBe(status);
    if (status === 403) expect(answer.json.error.code).toBe('Forbidden');
  });

  it('with viewOthers: every photo, in the list, a search and one by one; the whole count', async () => {
    const everyone = [photoOf['organizer']!, photoOf['full']!, photoOf['dropBox']!].sort();
    for (const kind of ['full', 'viewer'] as const) {
      const member = as(kind);
      expect(await listedIds(member)).toEqual(everyone);
      expect(await listedIds(member, '&q=keynote')).toEqual([photoOf['organizer']]);
      expect((await member('GET', `/events/${EVENT}/photos/${photoOf['dropBox']}`)).json.status).toBe('ready');
      expect((await member('GET', `/events/${EVENT}`)).json.photoCount).toBe(3);
    }
  });

  it("as a drop box (viewOthers false): their own photos only, in every list, search, feed and count; another's is not there (404)", async () => {
    const dropBox = as('dropBox');
    const first = await listed(dropBox);
    expect(first.items.map((photo) => photo.photoId)).toEqual([photoOf['dropBox']]);
    expect(await listedIds(dropBox, '&q=keynote')).toEqual([]);
    expect(await listedIds(dropBox, '&uploader=me')).toEqual([photoOf['dropBox']]);
    expect((await dropBox('GET', `/events/${EVENT}`)).json.photoCount).toBe(1);
    const others = `/events/${EVENT}/photos/${photoOf['organizer']}`;
    const unknownPhoto = `/events/${EVENT}/photos/01890a5d-ac96-774b-bcce-000000000000`;
    const hidden = await dropBox('GET', others);
    expect(hidden.status).toBe(404);
    expect(hidden.json.error.message.replace(photoOf['organizer']!, 'X')).toBe(
      (await dropBox('GET', unknownPhoto)).json.error.message.replace('01890a5d-ac96-774b-bcce-000000000000', 'X'),
    );
    expect((await dropBox('PATCH', others, { title: 'x' })).status).toBe(404);
    expect((await dropBox('DELETE', others)).status).toBe(404);
    expect((await dropBox('POST', `/events/${EVENT}/photos/batch-delete`, { photoIds: [photoOf['organizer']] })).json.results).toEqual([
      { photoId: photoOf['organizer'], status: 'notFound' },
    ]);
    // The feed brings their new photo, never another's.
    const theirs = await upload(organizer, 'Organizer later');
    const own = await upload(dropBox, 'Drop box later');
    await stack.notifications.idle();
    const feed = await dropBox('GET', `/events/${EVENT}/photos?since=${encodeURIComponent(first.feedCursor!)}`);
    expect(feed.json.items.map((photo: { photoId: string }) => photo.photoId)).toEqual([own]);
    expect((await organizer('GET', `/events/${EVENT}/photos/${theirs}`)).json.status).toBe('ready');
    for (const photoId of [theirs, own]) expect((await organizer('DELETE', `/events/${EVENT}/photos/${photoId}`)).status).toBe(204);
  });

  it('with neither right: the event, and no photo at all', async () => {
    const none = as('none');
    expect(await listedIds(none)).toEqual([]);
    expect((await none('GET', `/events/${EVENT}`)).json.photoCount).toBe(0);
    expect((await none('GET', `/events/${EVENT}/photos/${photoOf['full']}`)).status).toBe(404);
  });

  it('lets a viewer who is not the uploader see a photo but not change it (403); the uploader may', async () => {
    const photo = `/events/${EVENT}/photos/${photoOf['full']}`;
    expect((await as('viewer')('PATCH', photo, { title: 'Mine now' })).status).toBe(403);
    expect((await as('viewer')('DELETE', photo)).status).toBe(403);
    expect((await as('full')('PATCH', photo, { title: 'Full member photo, edited' })).status).toBe(200);
  });
});

describe('the organizer', () => {
  it('sees every photo and the whole count, and lists the members (name, join time, rights, photos; no user id or e-mail)', async () => {
    expect(await listedIds(organizer)).toEqual([photoOf['organizer']!, photoOf['full']!, photoOf['dropBox']!].sort());
    expect((await organizer('GET', `/events/${EVENT}`)).json).toMatchObject({ mine: true, photoCount: 3 });
    expect((await eventsOf(organizer)).slice(0, 2)).toEqual([OTHER_EVENT, EVENT]);
    const members = await organizer('GET', `/events/${EVENT}/members`);
    expect(members.status).toBe(200);
    const byName = Object.fromEntries(members.json.items.map((member: { displayName: string }) => [member.displayName, member]));
    expect(byName['dropbox']).toEqual({
      memberId: memberIds['dropBox'],
      displayName: 'dropbox',
      joinedAt: expect.any(String),
      photoCount: 1,
      ...RIGHTS.dropBox,
    });
    expect(byName['full']).toMatchObject({ photoCount: 1, ...RIGHTS.full });
    expect(byName['viewer']).toMatchObject({ photoCount: 0, ...RIGHTS.viewer });
    expect(members.text).not.toMatch(/@example\.com|"sub"|userId/);
  });

  it("creates invites whose code (256 random bits) only the create answer shows, in the web app's link; lists them without codes", async () => {
    const created = await invite(organizer, EVENT, RIGHTS.viewer);
    expect(created.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(created.code, 'base64url')).toHaveLength(32);
    expect(created.url).toBe(`${WEB_APP_URL}/?event=${EVENT}&invite=${created.code}`);
    expect(created).toMatchObject({ ...RIGHTS.viewer, expiresAt: null });
    const invites = await organizer('GET', `/events/${EVENT}/invites`);
    expect(invites.json.items[0]).toEqual({
      inviteId: created.inviteId,
      ...RIGHTS.viewer,
      expiresAt: null,
      createdAt: expect.any(String),
      revokedAt: null,
    });
    expect(invites.json.items).toHaveLength(KINDS.length + 1);
    expect(invites.text).not.toContain(created.code);
  });
});

describe('joining', () => {
  it('answers a wrong, a revoked and an expired code with the very body an unknown event gets', async () => {
    const joiner = users['Again']!;
    const revoked = await invite(organizer, EVENT);
    expect((await organizer('DELETE', `/events/${EVENT}/invites/${revoked.inviteId}`)).status).toBe(204);
    const expiring = await invite(organizer, EVENT, RIGHTS.full, new Date(Date.now() + 1500).toISOString());
    await sleep(2000);
    const answers = [
      await joiner('POST', `/events/${EVENT}/members`, { code: 'wrong' }),
      await joiner('POST', `/events/${EVENT}/members`, { code: revoked.code }),
      await joiner('POST', `/events/${EVENT}/members`, { code: expiring.code }),
      // A valid code of another event.
      await joiner('POST', `/events/${EVENT}/members`, { code: (await invite(organizer, OTHER_EVENT)).code }),
    ];
    for (const answer of answers) expect({ status: answer.status, json: answer.json }).toEqual({ status: 404, json: unknownEvent(EVENT) });
    expect((await joiner('POST', '/events/no-such-event/members', { code: revoked.code })).json).toEqual(unknownEvent('no-such-event'));
    expect((await joiner('GET', `/events/${EVENT}`)).status).toBe(404);
  });

  it("makes a member who joins again with a broader invite a member with both invites' rights (200), never fewer", async () => {
    const joiner = users['Again']!;
    const first = await join(joiner, EVENT, (await invite(organizer, EVENT, RIGHTS.dropBox)).code);
    const wider = await joiner('POST', `/events/${EVENT}/members`, { code: (await invite(organizer, EVENT, RIGHTS.viewer)).code });
    expect(wider.status).toBe(200);
    expect(wider.json).toEqual({ eventId: EVENT, memberId: first.memberId, upload: true, viewOthers: true, downloadOriginals: true });
    const narrower = await joiner('POST', `/events/${EVENT}/members`, { code: (await invite(organizer, EVENT, RIGHTS.none)).code });
    expect(narrower).toMatchObject({ status: 200, json: wider.json });
  });

  it(`is limited per user across events: after ${JOIN_ATTEMPTS.attempts} attempts, 429 with Retry-After, even with a valid code`, async () => {
    const guesser = users['Guesser']!;
    for (let n = 0; n < JOIN_ATTEMPTS.attempts; n++) {
      const eventId = [EVENT, OTHER_EVENT, 'no-such-event'][n % 3]!;
      expect((await guesser('POST', `/events/${eventId}/members`, { code: `guess-${n}` })).status).toBe(404);
    }
    const refused = await guesser('POST', `/events/${EVENT}/members`, { code: (await invite(organizer, EVENT)).code });
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('TooManyRequests');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(JOIN_ATTEMPTS.windowSeconds);
    expect((await guesser('GET', `/events/${EVENT}`)).status).toBe(404);
  });
});

describe('a removed member', () => {
  it('is out at once: the next request about the event answers 404, and the event leaves their list', async () => {
    const removed = users['Removed']!;
    const created = await invite(organizer, EVENT);
    const { memberId } = await join(removed, EVENT, created.code);
    const photoId = await upload(removed, 'Before removal');
    await stack.notifications.idle();
    expect(await eventsOf(removed)).toEqual([EVENT]);
    expect((await organizer('DELETE', `/events/${EVENT}/members/${memberId}`)).status).toBe(204);
    const after = [
      await removed('GET', `/events/${EVENT}`),
      await removed('GET', `/events/${EVENT}/photos`),
      await removed('GET', `/events/${EVENT}/photos/${photoId}`),
      await removed('POST', `/events/${EVENT}/photos/initiate-upload`, { title: 'x', contentType: 'image/jpeg', size: 1000 }),
    ];
    for (const answer of after) expect({ status: answer.status, json: answer.json }).toEqual({ status: 404, json: unknownEvent(EVENT) });
    expect(await eventsOf(removed)).toEqual([]);
    expect((await organizer('DELETE', `/events/${EVENT}/members/${memberId}`)).status).toBe(404);
    // Their photos stay, and the organizer still sees them.
    expect((await organizer('GET', `/events/${EVENT}/photos/${photoId}`)).json.status).toBe('ready');
    // Removing is no ban: the invite they hold still works until the organizer revokes it.
    expect((await organizer('DELETE', `/events/${EVENT}/invites/${created.inviteId}`)).status).toBe(204);
    expect((await removed('POST', `/events/${EVENT}/members`, { code: created.code })).json).toEqual(unknownEvent(EVENT));
  });
});
