import { DEFAULT_UPLOAD_QUOTAS } from '@event-photos/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@event-photos/local-stack';
import { apiCaller, callApi as request, jpegBytes, signIn } from '@event-photos/local-stack/test-support';
import { admit } from './support/membership';
import { createUser } from './support/users';

// Events over HTTP against the local stack: the listing, the photo count, and the organizer's
// PATCH (name, description, open/closed), as an attendee, the demo organizer and a second organizer.
// Events are private: each sees the events they organize or joined (the attendee joins with invites).
let stack: LocalStack;
let dataDir: string;
let api: string;
const tokens = { attendee: '', organizer: '', otherOrganizer: '' };
type Caller = keyof typeof tokens;

const OTHER_ORGANIZER = { email: 'organizer2@example.com', password: 'Local-Organizer-2!' };

const callApi = (method: string, pathname: string, { as = 'attendee', body }: { as?: Caller; body?: unknown } = {}) =>
  request(api, method, pathname, { token: tokens[as], body });

/** An event of `as`, the attendee invited to it and a member. */
const createEvent = async (eventId: string, as: Caller = 'organizer') => {
  const created = await callApi('POST', '/events', { as, body: { eventId, name: `Event ${eventId}` } });
  expect(created.status, created.text).toBe(201);
  await admit(apiCaller(stack.outputs, tokens[as]), apiCaller(stack.outputs, tokens.attendee), eventId);
};

const initiate = (eventId: string, size = 2048) =>
  callApi('POST', `/events/${eventId}/photos/initiate-upload`, { body: { title: 'Photo', contentType: 'image/jpeg', size } });

async function uploadPhoto(eventId: string) {
  const bytes = jpegBytes(2048);
  const initiated = await initiate(eventId, bytes.length);
  expect(initiated.status, initiated.text).toBe(201);
  const { s3PutObjectUrl, method, headers } = initiated.json;
  expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-events-'));
  stack = await startLocalStack({ dataDir, retryDelaysMs: [50, 100] });
  api = stack.outputs.apiUrl;
  const user = (groups: number) => stack.outputs.demoUsers.find((demo) => demo.groups.length === groups)!;
  await createUser(stack.outputs, { ...OTHER_ORGANIZER, groups: ['organizers'] });
  [tokens.attendee, tokens.organizer, tokens.otherOrganizer] = await Promise.all([
    signIn(stack.outputs, user(0).email, user(0).password).then((signedIn) => signedIn.idToken),
    signIn(stack.outputs, user(1).email, user(1).password).then((signedIn) => signedIn.idToken),
    signIn(stack.outputs, OTHER_ORGANIZER.email, OTHER_ORGANIZER.password).then((signedIn) => signedIn.idToken),
  ]);
});

afterAll(async () => {
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('GET /events', () => {
  it('lists the events each organizes or joined, newest first, page by page, with `mine` and never the organizer id', async () => {
    await createEvent('list-a');
    await createEvent('list-b', 'otherOrganizer');
    await createEvent('list-c');

    const walk = async (as: Caller, { paged = true } = {}) => {
      const seen: { eventId: string; mine: boolean }[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await callApi('GET', `/events?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as });
        expect(page.status, page.text).toBe(200);
        expect(page.json.items.length).toBeLessThanOrEqual(2);
        expect(page.text).not.toContain('organizerId');
        seen.push(...page.json.items.map(({ eventId, mine }: { eventId: string; mine: boolean }) => ({ eventId, mine })));
        cursor = page.json.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages > 1).toBe(paged);
      return seen;
    };

    const mine = (ids: string[]) => (eventId: string) => ({ eventId, mine: ids.includes(eventId) });
    // The attendee was invited to every one of them.
    expect(await walk('attendee')).toEqual(['list-c', 'list-b', 'list-a', 'demo-event'].map(mine([])));
    expect(await walk('organizer')).toEqual(['list-c', 'list-a', 'demo-event'].map(mine(['list-c', 'list-a', 'demo-event'])));
    expect(await walk('otherOrganizer', { paged: false })).toEqual(['list-b'].map(mine(['list-b'])));

    const first = await callApi('GET', '/events?limit=1');
    expect(first.json.items[0]).toEqual({
      eventId: 'list-c',
      name: 'Event list-c',
      description: '',
      open: true,
      createdAt: expect.any(String),
      mine: false,
      quotas: DEFAULT_UPLOAD_QUOTAS,
    });
  });

  it('answers 400 naming the field for a garbage cursor or limit', async () => {
    for (const [query, field] of [
      ['cursor=garbage', 'cursor'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
    ]) {
      const response = await callApi('GET', `/events?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.json.error.field, query).toBe(field);
    }
  });
});

describe('GET /events/{eventId}', () => {
  it('counts the processed photos only', async () => {
    await createEvent('count-event');
    expect((await callApi('GET', '/events/count-event')).json.photoCount).toBe(0);
    await uploadPhoto('count-event');
    await uploadPhoto('count-event');
    expect((await initiate('count-event')).status).toBe(201); // pending, never uploaded: not counted
    await stack.notifications.idle();

    const event = await callApi('GET', '/events/count-event');
    expect(event.status).toBe(200);
    expect(event.json).toEqual({
      eventId: 'count-event',
      name: 'Event count-event',
      description: '',
      open: true,
      createdAt: expect.any(String),
      mine: false,
      quotas: DEFAULT_UPLOAD_QUOTAS,
      photoCount: 2,
      // The caller's own rights in the event: a member invited with every right.
      rights: { upload: true, viewOthers: true, downloadOriginals: true },
    });
    expect((await callApi('GET', '/events/count-event', { as: 'organizer' })).json.mine).toBe(true);
  });
});

describe('PATCH /events/{eventId}', () => {
  it('lets the organizer change name and description (200); a member gets 403, another organizer (no member) 404', async () => {
    const changes = { name: 'Demo Conference 2026 · 서울', description: 'Two days\nof talks 🎤' };
    const member = await callApi('PATCH', '/events/demo-event', { as: 'attendee', body: changes });
    expect(member.status).toBe(403);
    expect(member.json.error.code).toBe('Forbidden');
    const foreign = await callApi('PATCH', '/events/demo-event', { as: 'otherOrganizer', body: changes });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error).toEqual({ code: 'NotFound', message: 'Event demo-event does not exist', field: 'eventId' });
    expect((await callApi('GET', '/events/demo-event')).json.name).toBe('Demo Conference 2026');

    const patched = await callApi('PATCH', '/events/demo-event', { as: 'organizer', body: changes });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toEqual({
      eventId: 'demo-event',
      ...changes,
      open: true,
      createdAt: expect.any(String),
      mine: true,
      quotas: DEFAULT_UPLOAD_QUOTAS,
    });
    expect(await callApi('GET', '/events/demo-event')).toMatchObject({ status: 200, json: { ...changes, mine: false } });
  });

  it('refuses unknown fields and an empty change with 400', async () => {
    const extra = await callApi('PATCH', '/events/demo-event', { as: 'organizer', body: { open: true, organizerId: 'me' } });
    expect(extra).toMatchObject({ status: 400, json: { error: { field: 'organizerId' } } });
    expect((await callApi('PATCH', '/events/demo-event', { as: 'organizer', body: {} })).status).toBe(400);
  });

  it('closing the event makes initiate-upload answer 409 EventClosed; re-opening allows uploads again', async () => {
    await createEvent('closing-event', 'otherOrganizer');
    expect((await callApi('PATCH', '/events/closing-event', { as: 'organizer', body: { open: false } })).status).toBe(404);
    expect((await callApi('PATCH', '/events/closing-event', { as: 'attendee', body: { open: false } })).status).toBe(403);
    expect((await initiate('closing-event')).status).toBe(201);

    const closed = await callApi('PATCH', '/events/closing-event', { as: 'otherOrganizer', body: { open: false } });
    expect(closed).toMatchObject({ status: 200, json: { open: false, mine: true } });
    const refused = await initiate('closing-event');
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('EventClosed');
    expect((await callApi('GET', '/events/closing-event')).json.open).toBe(false);

    expect((await callApi('PATCH', '/events/closing-event', { as: 'otherOrganizer', body: { open: true } })).status).toBe(200);
    expect((await initiate('closing-event')).status).toBe(201);
  });
});

it('answers 404 for an unknown event on every event route', async () => {
  const unknown = [
    await callApi('GET', '/events/no-such-event'),
    await callApi('PATCH', '/events/no-such-event', { as: 'organizer', body: { open: false } }),
    await callApi('PATCH', '/events/no-such-event', { as: 'attendee', body: { open: false } }),
    await initiate('no-such-event'),
  ];
  for (const response of unknown) expect(response).toMatchObject({ status: 404, json: { error: { code: 'NotFound', field: 'eventId' } } });
});
