import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '@event-photos/local-stack';
import { type ApiCaller, apiCaller, jpegBytes, signIn, stackWithDemoUsers } from '@event-photos/local-stack/test-support';
import { admit } from './support/membership';
import { createUser } from './support/users';

// Bytes only for members (issue "Photos stay with the people they were shared with", item 3), end
// to end: a photo's URL is a CloudFront signed URL for its event and time window, so someone who
// keeps only the URL loses the bytes within a bounded time after their access ends. The window is
// 2 s here (deployed: 900 s, serverless.yml custom.cdnSigning) so the test can wait it out: a URL
// lives to the end of the next window: 1 to 2 windows after the API signed it (15 to 30 min deployed).
const WINDOW_SECONDS = 2;
const EVENT = 'cdn-access';
const OTHER_EVENT = 'cdn-access-other';

let stack: LocalStack;
let stop: () => Promise<void>;
let organizer: ApiCaller;
let guest: ApiCaller;
let photoId: string;

async function upload(as: ApiCaller, eventId: string): Promise<string> {
  const bytes = jpegBytes(3000 + Math.floor(Math.random() * 1000));
  const initiated = await as('POST', `/events/${eventId}/photos/initiate-upload`, {
    title: 'Signed',
    contentType: 'image/jpeg',
    size: bytes.length,
  });
  expect(initiated.status, initiated.text).toBe(201);
  const { s3PutObjectUrl, method, headers } = initiated.json;
  expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
  return initiated.json.photoId;
}

/** The URLs the API gives the caller for the photo: the original (when theirs to have) and each rendition. */
async function urlsOf(as: ApiCaller, eventId: string, id: string): Promise<string[]> {
  const photo = await as('GET', `/events/${eventId}/photos/${id}`);
  expect(photo.status, photo.text).toBe(200);
  return [photo.json.url, ...photo.json.renditions.map((rendition: { url: string }) => rendition.url)].filter(Boolean);
}

const statusOf = async (url: string) => (await fetch(url)).status;

beforeAll(async () => {
  ({ stack, stop, organizer } = await stackWithDemoUsers('cdn-access', {
    environment: { CDN_URL_WINDOW_SECONDS: String(WINDOW_SECONDS) },
  }));
  await createUser(stack.outputs, { email: 'guest@example.com', password: 'Local-Guest-1!' });
  guest = apiCaller(stack.outputs, (await signIn(stack.outputs, 'guest@example.com', 'Local-Guest-1!')).idToken);
  for (const eventId of [EVENT, OTHER_EVENT]) expect((await organizer('POST', '/events', { eventId, name: eventId })).status).toBe(201);
  photoId = await upload(organizer, EVENT);
  await stack.notifications.idle();
}, 60_000);

afterAll(async () => {
  await stop?.();
});

describe('a photo URL', () => {
  it("serves a member; without the signature, with another event's, or tampered, the CDN refuses (403)", async () => {
    await admit(organizer, guest, EVENT);
    const urls = await urlsOf(guest, EVENT, photoId);
    expect(urls.length).toBeGreaterThanOrEqual(2);
    for (const url of urls) {
      expect(await statusOf(url), url).toBe(200);
      expect(await statusOf(url.split('?')[0]!), 'unsigned').toBe(403);
      const signature = new URL(url).searchParams.get('Signature')!;
      const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
      expect(await statusOf(url.replace(signature, flipped)), 'tampered').toBe(403);
    }
    // The other event's signature (its organizer's, a valid one) does not open this event's photos.
    const otherPhoto = await upload(organizer, OTHER_EVENT);
    await stack.notifications.idle();
    const otherQuery = new URL((await urlsOf(organizer, OTHER_EVENT, otherPhoto))[0]!).search;
    expect(await statusOf(`${urls[0]!.split('?')[0]}${otherQuery}`), 'signed for another event').toBe(403);
  });

  it('stops serving a removed member within 2 windows, and the API gives them no fresh one', async () => {
    const members = await organizer('GET', `/events/${EVENT}/members`);
    const { memberId } = members.json.items[0];
    const urls = await urlsOf(guest, EVENT, photoId);
    expect((await organizer('DELETE', `/events/${EVENT}/members/${memberId}`)).status).toBe(204);
    expect((await guest('GET', `/events/${EVENT}/photos/${photoId}`)).status).toBe(404);
    // What they kept still works for the rest of its window (the trade-off for cacheable URLs)...
    const expiresAt = Number(
      JSON.parse(
        Buffer.from(
          new URL(urls[0]!).searchParams.get('Policy')!.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'),
          'base64',
        ).toString(),
      ).Statement[0].Condition.DateLessThan['AWS:EpochTime'],
    );
    expect(expiresAt * 1000 - Date.now()).toBeLessThanOrEqual(2 * WINDOW_SECONDS * 1000);
    // ...and no longer once it ends.
    await sleep(expiresAt * 1000 - Date.now() + 1100);
    for (const url of urls) expect(await statusOf(url), url).toBe(403);
    // A member's URL signed now still works: the photo is there, only the removed member's access ended.
    const fresh = await urlsOf(organizer, EVENT, photoId);
    expect(await statusOf(fresh[0]!)).toBe(200);
  });
});
