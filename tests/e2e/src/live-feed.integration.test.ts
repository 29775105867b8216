import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { FEED_SETTLE_MS, type EventDetails, type PhotoPage } from '@event-photos/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '@event-photos/local-stack';
import { jpegBytes, stackWithDemoUsers, type ApiCaller } from '@event-photos/local-stack/test-support';
import { admit } from './support/membership';

// What an open gallery learns from the feed over HTTP: photos edited and deleted by someone else,
// and the event closed, in the next poll; each answer as the OpenAPI document's schema says
// (the document the local gateway serves). And the caller's rights in GET /events/{eventId}.
let stack: LocalStack;
let ajv: InstanceType<typeof Ajv2020>;
let stop: () => Promise<void>;
let attendee: ApiCaller;
let organizer: ApiCaller;

beforeAll(async () => {
  ({ stack, stop, attendee, organizer } = await stackWithDemoUsers('live-feed', { retryDelaysMs: [50, 100] }));
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(await (await fetch(`${stack.outputs.apiUrl}/openapi.json`)).json(), 'openapi.json');
});

/** The body, checked against the OpenAPI document's 200 answer of the GET route `template`. */
function documented<T>(template: string, body: unknown): T {
  const pointer = ['paths', template, 'get', 'responses', '200', 'content', 'application/json', 'schema']
    .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
    .join('/');
  const validate = ajv.getSchema(`openapi.json#/${pointer}`)!;
  expect(validate(body), `${template}: ${JSON.stringify(validate.errors)}`).toBe(true);
  return body as T;
}

afterAll(async () => {
  await stop?.();
});

async function upload(eventId: string, title: string, as = attendee): Promise<string> {
  const bytes = jpegBytes(2000 + Math.floor(Math.random() * 1000));
  const initiated = await as('POST', `/events/${eventId}/photos/initiate-upload`, {
    title,
    contentType: 'image/jpeg',
    size: bytes.length,
  });
  expect(initiated.status, JSON.stringify(initiated.json)).toBe(201);
  const { photoId, s3PutObjectUrl, method, headers } = initiated.json;
  expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
  return photoId as string;
}

async function page(as: ApiCaller, eventId: string, query: Record<string, string> = {}) {
  const answer = await as('GET', `/events/${eventId}/photos?${new URLSearchParams(query)}`);
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  return documented<PhotoPage>('/events/{eventId}/photos', answer.json);
}

describe('the feed tells of edits, deletes and the event', () => {
  it("gives the organizer's open gallery another member's edit and delete and the close, in the next poll", async () => {
    const eventId = 'live-feed-1';
    expect((await organizer('POST', '/events', { eventId, name: 'Live' })).status).toBe(201);
    await admit(organizer, attendee, eventId);
    const [kept, deleted] = [await upload(eventId, 'Kept'), await upload(eventId, 'Deleted')];
    await stack.notifications.idle();
    const first = await page(organizer, eventId);
    expect(first.items.map((photo) => photo.photoId).sort()).toEqual([kept, deleted].sort());
    // A first page and its later pages tell of no change.
    expect(first).not.toHaveProperty('changed');
    expect(first).not.toHaveProperty('event');

    expect((await attendee('PATCH', `/events/${eventId}/photos/${kept}`, { title: 'Kept, renamed' })).status).toBe(200);
    expect((await attendee('DELETE', `/events/${eventId}/photos/${deleted}`)).status).toBe(204);
    expect((await organizer('PATCH', `/events/${eventId}`, { open: false })).status).toBe(200);

    const feed = await page(organizer, eventId, { since: first.feedCursor! });
    expect(feed.items).toEqual([]);
    expect(feed.changed).toEqual([expect.objectContaining({ photoId: kept, title: 'Kept, renamed', mine: false })]);
    expect(feed.removed).toEqual([deleted]);
    expect(feed.event).toMatchObject({ eventId, name: 'Live', open: false, mine: true });
    // Still unsettled, so told again at most until FEED_SETTLE_MS has passed; then no more.
    await new Promise((resolve) => setTimeout(resolve, FEED_SETTLE_MS + 200));
    const again = await page(organizer, eventId, { since: feed.feedCursor! });
    const settled = await page(organizer, eventId, { since: again.feedCursor! });
    expect(settled).toMatchObject({ items: [], changed: [], removed: [] });
  });

  it("keeps a member who sees only their own photos to their own edits and deletes, and answers each caller's rights", async () => {
    const eventId = 'live-feed-2';
    expect((await organizer('POST', '/events', { eventId, name: 'Own only' })).status).toBe(201);
    const rights = { upload: true, viewOthers: false, downloadOriginals: false };
    await admit(organizer, attendee, eventId, rights);
    const details = await attendee('GET', `/events/${eventId}`);
    expect(documented<EventDetails>('/events/{eventId}', details.json).rights).toEqual(rights);
    expect(documented<EventDetails>('/events/{eventId}', (await organizer('GET', `/events/${eventId}`)).json).rights).toEqual({
      upload: true,
      viewOthers: true,
      downloadOriginals: true,
    });

    const theirs = await upload(eventId, 'Theirs');
    const notTheirs = await upload(eventId, "The organizer's", organizer);
    await stack.notifications.idle();
    const first = await page(attendee, eventId);
    const organizers = await upload(eventId, 'Also theirs');
    await stack.notifications.idle();
    expect((await organizer('DELETE', `/events/${eventId}/photos/${organizers}`)).status).toBe(204);
    expect((await organizer('PATCH', `/events/${eventId}/photos/${notTheirs}`, { title: 'Not for them' })).status).toBe(200);
    expect((await organizer('DELETE', `/events/${eventId}/photos/${notTheirs}`)).status).toBe(204);
    expect((await organizer('PATCH', `/events/${eventId}/photos/${theirs}`, { description: 'Seen by the organizer' })).status).toBe(200);
    const feed = await page(attendee, eventId, { since: first.feedCursor! });
    expect(feed.changed?.map((photo) => [photo.photoId, photo.description])).toEqual([[theirs, 'Seen by the organizer']]);
    // Their own photo, deleted by the organizer: they are told.
    expect(feed.removed).toEqual([organizers]);
  });
});
