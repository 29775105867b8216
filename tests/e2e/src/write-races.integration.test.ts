import { setTimeout as sleep } from 'node:timers/promises';
import { AdminRemoveUserFromGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createDocumentClient, PhotoRepository } from '@event-photos/aws';
import type { LocalStack } from '@event-photos/local-stack';
import { type ApiCaller, apiCaller, cognitoClient, s3Client, signIn, stackWithDemoUsers } from '@event-photos/local-stack/test-support';
import { admit } from './support/membership';
import { createUser } from './support/users';
import { photoJpeg } from '@event-photos/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The write path's races, over HTTP against the local stack: a delete racing processing, a burst
// over a total watched by another member, and an organizer who leaves the `organizers` group.
let stack: LocalStack;
let stop: () => Promise<void>;
let attendee: ApiCaller;
let organizer: ApiCaller;
let s3: S3Client;
let repository: PhotoRepository;

beforeAll(async () => {
  ({ stack, stop, attendee, organizer } = await stackWithDemoUsers('races', { retryDelaysMs: [50, 100] }));
  s3 = s3Client(stack.outputs);
  repository = new PhotoRepository(
    createDocumentClient({
      endpoint: stack.outputs.dynamodbEndpoint,
      region: stack.outputs.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    stack.outputs.tableName,
  );
});

afterAll(async () => {
  s3?.destroy();
  await stop?.();
});

/** An event of the organizer, the attendee a member of it. */
async function createEvent(eventId: string, quotas?: Record<string, number>) {
  expect((await organizer('POST', '/events', { eventId, name: eventId })).status).toBe(201);
  if (quotas) expect((await organizer('PATCH', `/events/${eventId}`, { quotas })).status).toBe(200);
  await admit(organizer, attendee, eventId);
}

/** Initiates an upload of these bytes; `send` PUTs them, and processing then runs in the background. */
async function initiate(as: ApiCaller, eventId: string, bytes: Buffer, title = 'Race') {
  const initiated = await as('POST', `/events/${eventId}/photos/initiate-upload`, { title, contentType: 'image/jpeg', size: bytes.length });
  expect(initiated.status, initiated.text).toBe(201);
  const { photoId, s3PutObjectUrl, method, headers } = initiated.json;
  const send = async () => expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
  return { photoId: photoId as string, send };
}

/** Initiates and PUTs a real photo (renditions are made of it); processing runs in the background. */
async function put(as: ApiCaller, eventId: string, bytes: Buffer, title = 'Race') {
  const { photoId, send } = await initiate(as, eventId, bytes, title);
  await send();
  return photoId;
}

/** Every key in the bucket that belongs to the event (quarantine, untouched originals, published). */
async function objectKeysOf(eventId: string): Promise<string[]> {
  const keys: string[] = [];
  for (const prefix of [`uploads/event_${eventId}/`, `originals/event_${eventId}/`, `photos/event_${eventId}/`]) {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: stack.outputs.bucketName, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((object) => object.Key!));
      token = page.NextContinuationToken;
    } while (token);
  }
  return keys;
}

async function listedIds(as: ApiCaller, eventId: string): Promise<string[]> {
  const answer = await as('GET', `/events/${eventId}/photos?limit=100`);
  expect(answer.status, answer.text).toBe(200);
  return answer.json.items.map((item: { photoId: string }) => item.photoId);
}

describe('a delete racing processing', () => {
  it('never leaves a record or any object (original, rendition or upload) over 50 rounds, and the totals equal the records', async () => {
    const eventId = 'delete-race';
    await createEvent(eventId);
    const photos = await Promise.all(Array.from({ length: 50 }, () => photoJpeg({ width: 1000, height: 750 })));
    const kept: string[] = [];
    for (const [round, bytes] of photos.entries()) {
      const photoId = await put(attendee, eventId, bytes, `Round ${round}`);
      // From "before processing starts" to "after it has published": the delete lands anywhere in between.
      await sleep((round * 7) % 160);
      if (round % 10 === 9) {
        kept.push(photoId);
        continue;
      }
      expect((await attendee('DELETE', `/events/${eventId}/photos/${photoId}`)).status).toBe(204);
    }
    await stack.notifications.idle();
    await stack.invoke('reconcileUploads', {});

    expect((await listedIds(attendee, eventId)).sort()).toEqual([...kept].sort());
    const leftovers = (await objectKeysOf(eventId)).filter((key) => !kept.some((photoId) => key.includes(photoId)));
    expect(leftovers).toEqual([]);
    const totals = await repository.storedTotals(eventId, 'any uploader');
    const records = await Promise.all(kept.map((photoId) => repository.getPhoto(eventId, photoId)));
    expect(totals.event).toEqual({ photos: kept.length, bytes: records.reduce((sum, photo) => sum + photo!.size, 0) });
  });
});

describe('a burst over a total', () => {
  it('never shows another member, or the uploader, a photo over the total', async () => {
    const eventId = 'total-burst';
    await createEvent(eventId, { eventPhotosTotal: 1 });
    const photos = await Promise.all(Array.from({ length: 12 }, () => photoJpeg({ width: 640, height: 480 })));
    // Every URL is signed before any photo is accepted (initiate refuses once the total is full), then all are sent at once.
    const uploads = [];
    for (const bytes of photos) uploads.push(await initiate(attendee, eventId, bytes));
    const photoIds = uploads.map((upload) => upload.photoId);
    await Promise.all(uploads.map((upload) => upload.send()));

    // Another member lists every 100 ms; the uploader follows each of its photos.
    const seenByOther = new Set<string>();
    let mostListed = 0;
    const statuses = new Map<string, string[]>(photoIds.map((photoId) => [photoId, []]));
    let watching = true;
    const watchers = [
      (async () => {
        while (watching) {
          const ids = await listedIds(organizer, eventId);
          for (const id of ids) seenByOther.add(id);
          mostListed = Math.max(mostListed, ids.length);
          await sleep(100);
        }
      })(),
      ...photoIds.map(async (photoId) => {
        while (watching) {
          const { json } = await attendee('GET', `/events/${eventId}/photos/${photoId}`);
          const seen = statuses.get(photoId)!;
          if (seen.at(-1) !== json.status) seen.push(json.status);
          await sleep(100);
        }
      }),
    ];
    await stack.notifications.idle();
    await sleep(300);
    watching = false;
    await Promise.all(watchers);

    const ready = photoIds.filter((photoId) => statuses.get(photoId)!.at(-1) === 'ready');
    expect(ready).toHaveLength(1);
    expect(mostListed).toBeLessThanOrEqual(1);
    expect([...seenByOther]).toEqual(ready);
    for (const photoId of photoIds.filter((id) => !ready.includes(id))) {
      expect(statuses.get(photoId), photoId).not.toContain('ready');
      expect(statuses.get(photoId)!.at(-1)).toBe('rejected');
    }
    expect((await objectKeysOf(eventId)).filter((key) => !key.startsWith('uploads/') && !key.includes(ready[0]!))).toEqual([]);
    expect((await repository.storedTotals(eventId, 'unused')).event.photos).toBe(1);
  });
});

describe('an organizer who leaves the organizers group', () => {
  it('loses every organizer right at once, photos included, and the event with them (no member of it)', async () => {
    const email = 'former-organizer@example.com';
    const password = 'Local-Former-1!';
    await createUser(stack.outputs, { email, password, groups: ['organizers'] });
    const cognito = cognitoClient(stack.outputs);
    const pool = { UserPoolId: stack.outputs.userPoolId, Username: email };
    try {
      const former = apiCaller(stack.outputs, (await signIn(stack.outputs, email, password)).idToken);
      const eventId = 'former-organizers-event';
      expect((await former('POST', '/events', { eventId, name: 'Theirs' })).status).toBe(201);
      await admit(former, attendee, eventId);
      const photoId = await put(attendee, eventId, await photoJpeg({ width: 320, height: 240 }));
      await stack.notifications.idle();
      expect((await former('PATCH', `/events/${eventId}/photos/${photoId}`, { title: 'Still mine?' })).status).toBe(200);

      await cognito.send(new AdminRemoveUserFromGroupCommand({ ...pool, GroupName: 'organizers' }));
      // The token signed before the change still names the group: the rights go all the same, and
      // with them the event itself (they are no member): 404 everywhere, as for an unknown event.
      const gone = [
        await former('PATCH', `/events/${eventId}/photos/${photoId}`, { title: 'Mine?' }),
        await former('DELETE', `/events/${eventId}/photos/${photoId}`),
        await former('POST', `/events/${eventId}/photos/batch-delete`, { photoIds: [photoId] }),
        await former('PATCH', `/events/${eventId}`, { name: 'Renamed' }),
        await former('GET', `/events/${eventId}`),
        await former('POST', `/events/${eventId}/invites`, { upload: true, viewOthers: true, downloadOriginals: true }),
        await former('GET', `/events/${eventId}/members`),
      ];
      for (const answer of gone)
        expect(answer, answer.text).toMatchObject({ status: 404, json: { error: { code: 'NotFound', field: 'eventId' } } });
      expect((await former('GET', '/events')).json.items).toEqual([]);
      // And with a new token, which no longer names it.
      const fresh = apiCaller(stack.outputs, (await signIn(stack.outputs, email, password)).idToken);
      expect((await fresh('DELETE', `/events/${eventId}/photos/${photoId}`)).status).toBe(404);
      expect((await attendee('GET', `/events/${eventId}/photos/${photoId}`)).json.status).toBe('ready');
    } finally {
      cognito.destroy();
    }
  });
});
