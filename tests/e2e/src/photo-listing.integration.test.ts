import { setTimeout as sleep } from 'node:timers/promises';
import { FEED_SETTLE_MS } from '@event-photos/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '@event-photos/local-stack';
import { jpegBytes, stackWithDemoUsers, type ApiCaller } from '@event-photos/local-stack/test-support';
import { admit } from './support/membership';

// GET /events/{eventId}/photos over HTTP: ready-time order, search, uploader=me, paging and the
// live feed, with an attendee and an organizer uploading.
let stack: LocalStack;
let stop: () => Promise<void>;
let attendee: ApiCaller;
let organizer: ApiCaller;
let eventCount = 0;

type Listed = { photoId: string; title: string; mine: boolean; createdAt: string };

beforeAll(async () => {
  ({ stack, stop, attendee, organizer } = await stackWithDemoUsers('listing', { retryDelaysMs: [50, 100] }));
});

afterAll(async () => {
  await stop?.();
});

/** A new event of the organizer, the attendee a member of it. */
async function newEvent(): Promise<string> {
  const eventId = `listing-${++eventCount}`;
  expect((await organizer('POST', '/events', { eventId, name: `Listing ${eventCount}` })).status).toBe(201);
  await admit(organizer, attendee, eventId);
  return eventId;
}

async function initiate(eventId: string, title: string, { description = '', as = attendee } = {}) {
  const bytes = jpegBytes(2000 + Math.floor(Math.random() * 1000));
  const initiated = await as('POST', `/events/${eventId}/photos/initiate-upload`, {
    title,
    description,
    contentType: 'image/jpeg',
    size: bytes.length,
  });
  expect(initiated.status, JSON.stringify(initiated.json)).toBe(201);
  const { photoId, s3PutObjectUrl, method, headers } = initiated.json;
  const put = async () => expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
  return { photoId: photoId as string, put };
}

async function upload(eventId: string, title: string, options: { description?: string; as?: ApiCaller } = {}): Promise<string> {
  const { photoId, put } = await initiate(eventId, title, options);
  await put();
  return photoId;
}

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

async function list(eventId: string, params: Record<string, string> = {}, as = attendee) {
  const answer = await as('GET', `/events/${eventId}/photos?${query(params)}`);
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  return answer.json as { items: Listed[]; nextCursor: string | null; feedCursor: string | null };
}

async function listAll(eventId: string, params: Record<string, string> = {}): Promise<Listed[]> {
  const items: Listed[] = [];
  let cursor: string | null = null;
  do {
    const page = await list(eventId, { ...params, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

const ids = (items: { photoId: string }[]) => items.map((item) => item.photoId);

describe('order', () => {
  it('lists photos by when they became ready, not when their upload started', async () => {
    const eventId = await newEvent();
    const slow = await initiate(eventId, 'Started first, finished last');
    const quick = await upload(eventId, 'Started second, finished first');
    await stack.notifications.idle();
    await slow.put();
    await stack.notifications.idle();

    const { items } = await list(eventId);
    expect(ids(items)).toEqual([slow.photoId, quick]);
    expect(items[0]!.createdAt > items[1]!.createdAt).toBe(true);
    // The photo that finished late is on the first page a gallery watches, not behind newer ones.
    expect(ids((await list(eventId, { limit: '1' })).items)).toEqual([slow.photoId]);
  });

  it('pages through every photo once, newest first', async () => {
    const eventId = await newEvent();
    const uploaded = [];
    for (let index = 0; index < 7; index++) uploaded.push(await upload(eventId, `Photo ${index}`));
    await stack.notifications.idle();
    const paged = await listAll(eventId, { limit: '3' });
    expect(ids(paged)).toEqual(ids((await list(eventId)).items));
    expect(new Set(ids(paged))).toEqual(new Set(uploaded));
    expect(paged).toHaveLength(7);
  });
});

describe('search (q=)', () => {
  let eventId: string;
  const photos: Record<string, string> = {};

  beforeAll(async () => {
    eventId = await newEvent();
    const texts: [string, string][] = [
      ['Straße am Abend', ''],
      ['ΟΔΟΣ ΑΘΗΝΑΣ', ''],
      ['Café de Flore', ''], // precomposed é
      ['東京タワーの夜景', ''],
      ['İstanbul by night', ''],
      ['Keynote', 'The speaker on stage, with the 🎤'],
      ['Lunch', ''],
    ];
    for (const [title, description] of texts) photos[title] = await upload(eventId, title, { description });
    await stack.notifications.idle();
  });

  const search = async (q: string) => ids(await listAll(eventId, { q }));

  it('matches a substring of the title, whatever the case, in any script', async () => {
    expect(await search('STRASSE')).toEqual([photos['Straße am Abend']]);
    expect(await search('οδος')).toEqual([photos['ΟΔΟΣ ΑΘΗΝΑΣ']]);
    expect(await search('タワー')).toEqual([photos['東京タワーの夜景']]);
    expect(await search('istanbul')).toEqual([photos['İstanbul by night']]);
    expect(await search('lunch')).toEqual([photos['Lunch']]);
  });

  it('compares Unicode-normalised text: a decomposed é finds a precomposed one', async () => {
    expect(await search('cafe\u0301')).toEqual([photos['Café de Flore']]);
    expect(await search('ＣＡＦÉ')).toEqual([photos['Café de Flore']]); // full-width letters (NFKC)
  });

  it('matches the description too, and nothing when nothing matches', async () => {
    expect(await search('speaker')).toEqual([photos['Keynote']]);
    expect(await search('🎤')).toEqual([photos['Keynote']]);
    expect(await search('no such words')).toEqual([]);
  });

  it('finds a photo by its edited title, no longer by the old one', async () => {
    const photoId = photos['Lunch']!;
    expect((await attendee('PATCH', `/events/${eventId}/photos/${photoId}`, { title: 'Apéro on the roof' })).status).toBe(200);
    expect(await search('apéro')).toEqual([photoId]);
    expect(await search('lunch')).toEqual([]);
  });
});

describe('uploader=me', () => {
  it("lists only the caller's photos, each marked mine", async () => {
    const eventId = await newEvent();
    const mine: string[] = [];
    for (const title of ['Mine 1', 'Mine 2']) {
      mine.push(await upload(eventId, title));
      await stack.notifications.idle(); // ready in this order
    }
    const theirs = await upload(eventId, 'Theirs', { as: organizer });
    await stack.notifications.idle();

    const own = await listAll(eventId, { uploader: 'me', limit: '1' });
    expect(ids(own)).toEqual([...mine].reverse());
    expect(own.every((photo) => photo.mine)).toBe(true);
    const organizers = await organizer('GET', `/events/${eventId}/photos?uploader=me`);
    expect(ids(organizers.json.items)).toEqual([theirs]);
    // Combined with a search.
    expect(ids(await listAll(eventId, { uploader: 'me', q: 'mine 2' }))).toEqual([mine[1]]);
  });
});

describe('the feed (since=)', () => {
  it('delivers every photo that becomes ready after the first page exactly once, while uploads run', async () => {
    const eventId = await newEvent();
    const before = [await upload(eventId, 'Before 1'), await upload(eventId, 'Before 2')];
    await stack.notifications.idle();
    const first = await list(eventId, { limit: '1' });
    expect(first.feedCursor).toEqual(expect.any(String));

    const delivered: string[] = [];
    let since = first.feedCursor!;
    let uploading = true;
    const poller = (async () => {
      // Poll as a live gallery would, until the uploads are done and everything has settled.
      let quietSince = 0;
      for (;;) {
        const answer = await list(eventId, { since, limit: '5' });
        expect(answer.nextCursor).toBeNull();
        delivered.push(...ids(answer.items));
        since = answer.feedCursor!;
        if (uploading) quietSince = Date.now();
        else if (Date.now() - quietSince > FEED_SETTLE_MS + 500 && answer.items.length === 0) return;
        await sleep(answer.items.length === 5 ? 0 : 40);
      }
    })();
    const during = await Promise.all(
      Array.from({ length: 24 }, (_, index) => upload(eventId, `During ${index}`, { as: index % 2 ? organizer : attendee })),
    );
    await stack.notifications.idle();
    uploading = false;
    await poller;

    expect(delivered.toSorted()).toEqual(during.toSorted());
    // The first page, its later pages and the feed together hold every photo once.
    let cursor = first.nextCursor;
    const scrolled: string[] = [];
    while (cursor) {
      const page = await list(eventId, { cursor, limit: '10' });
      expect(page.feedCursor).toBeNull();
      scrolled.push(...ids(page.items));
      cursor = page.nextCursor;
    }
    const all = [...ids(first.items), ...scrolled, ...delivered];
    expect(all.toSorted()).toEqual([...before, ...during].toSorted());
  });

  it('a first page taken during a burst, its later pages and the feed hold every photo once, the feed oldest first', async () => {
    const eventId = await newEvent();
    const burst = await Promise.all(Array.from({ length: 8 }, (_, index) => upload(eventId, `Burst ${index}`)));
    await stack.notifications.idle();
    // Taken at once: every photo is younger than FEED_SETTLE_MS, so the page cannot settle them.
    const first = await list(eventId, { limit: '3' });
    const scrolled = first.nextCursor ? await listAll(eventId, { cursor: first.nextCursor }) : [];
    const later: string[] = [];
    for (const title of ['Later 1', 'Later 2', 'Later 3']) {
      later.push(await upload(eventId, title));
      await stack.notifications.idle(); // ready in this order
    }
    await sleep(FEED_SETTLE_MS + 100);
    const feed = await list(eventId, { since: first.feedCursor! });
    const again = await list(eventId, { since: feed.feedCursor! });

    expect(ids(feed.items)).toEqual(later);
    expect(again.items).toEqual([]);
    expect([...ids(first.items), ...ids(scrolled)].toSorted()).toEqual(burst.toSorted());
  });
});

describe('refused queries', () => {
  it('answers 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['q=', 'q'],
      ['q=%20%20', 'q'],
      [`q=${'a'.repeat(101)}`, 'q'],
      ['q=a%00b', 'q'],
      ['uploader=someone-else', 'uploader'],
      ['since=not-a-cursor', 'since'],
      ['since=AQAAAAAAAAAB', 'since'],
      ['cursor=abc', 'cursor'],
      ['cursor=abc&since=def', 'cursor'],
      ['limit=0', 'limit'],
      ['order=oldest', 'order'],
    ];
    for (const [params, field] of cases) {
      const answer = await attendee('GET', `/events/demo-event/photos?${params}`);
      expect({ params, status: answer.status, field: answer.json?.error?.field }).toEqual({ params, status: 400, field });
    }
  });
});
