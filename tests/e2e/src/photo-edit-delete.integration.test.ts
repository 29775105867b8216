import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@event-photos/local-stack';
import { apiCaller, callApi as request, jpegBytes, s3Client, signIn } from '@event-photos/local-stack/test-support';
import { admit } from './support/membership';
import { createUser } from './support/users';

// Editing and deleting photos over HTTP against the local stack, as three users: the uploader
// (attendee), a stranger (created here through the Cognito admin API, then a member of the event
// like the uploader: neither its organizer nor the photo's uploader), and the demo event's organizer.
let stack: LocalStack;
let dataDir: string;
let api: string;
let s3: S3Client;
const tokens = { uploader: '', stranger: '', organizer: '' };
const STRANGER = { email: 'stranger@example.com', password: 'Local-Stranger-1!' };
const EVENT = 'demo-event';

const callApi = (method: string, pathname: string, { body, auth }: { body?: unknown; auth: string }) =>
  request(api, method, pathname, { token: auth, body });
const photoPath = (photoId: string) => `/events/${EVENT}/photos/${photoId}`;

/** Initiates and PUTs a photo as the uploader; processing runs in the background. */
async function put(title = 'Opening') {
  const bytes = jpegBytes(2048);
  const initiated = await callApi('POST', `/events/${EVENT}/photos/initiate-upload`, {
    body: { title, contentType: 'image/jpeg', size: bytes.length },
    auth: tokens.uploader,
  });
  expect(initiated.status, JSON.stringify(initiated.json)).toBe(201);
  const { photoId, s3PutObjectUrl, method, headers } = initiated.json;
  expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
  return photoId as string;
}

async function uploaded(title?: string) {
  const photoId = await put(title);
  await stack.notifications.idle();
  const photo = await callApi('GET', photoPath(photoId), { auth: tokens.uploader });
  expect(photo.json.status).toBe('ready');
  return photo.json as { photoId: string; url: string };
}

// Where a photo's bytes can be: the upload quarantine, then the untouched original processing
// keeps and the published copy it makes.
const keysOf = (photoId: string) => [
  `uploads/event_${EVENT}/${photoId}.jpg`,
  `originals/event_${EVENT}/${photoId}.jpg`,
  `photos/event_${EVENT}/${photoId}.jpg`,
];
/** Whether any object of the photo is still in the bucket. */
async function objectExists(photoId: string) {
  const found = await Promise.all(
    keysOf(photoId).map((key) =>
      s3.send(new HeadObjectCommand({ Bucket: stack.outputs.bucketName, Key: key })).then(
        () => true,
        (error: { name?: string }) => {
          if (error.name === 'NotFound') return false;
          throw error;
        },
      ),
    ),
  );
  return found.includes(true);
}
async function listedIds() {
  const list = await callApi('GET', `/events/${EVENT}/photos?limit=100`, { auth: tokens.uploader });
  return list.json.items.map((item: { photoId: string }) => item.photoId) as string[];
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-edit-'));
  stack = await startLocalStack({ dataDir, retryDelaysMs: [50, 100] });
  api = stack.outputs.apiUrl;
  s3 = s3Client(stack.outputs);
  await createUser(stack.outputs, STRANGER);
  const attendee = stack.outputs.demoUsers.find((user) => user.groups.length === 0)!;
  const organizer = stack.outputs.demoUsers.find((user) => user.groups.includes('organizers'))!;
  tokens.uploader = (await signIn(stack.outputs, attendee.email, attendee.password)).idToken;
  tokens.organizer = (await signIn(stack.outputs, organizer.email, organizer.password)).idToken;
  tokens.stranger = (await signIn(stack.outputs, STRANGER.email, STRANGER.password)).idToken;
  await admit(apiCaller(stack.outputs, tokens.organizer), apiCaller(stack.outputs, tokens.stranger), EVENT);
});

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('who uploaded', () => {
  it("shows the uploader's name and mine, never the sub", async () => {
    const { photoId } = await uploaded();
    const own = await callApi('GET', photoPath(photoId), { auth: tokens.uploader });
    const other = await callApi('GET', photoPath(photoId), { auth: tokens.stranger });
    expect(own.json).toMatchObject({ uploaderName: 'attendee', mine: true });
    expect(other.json).toMatchObject({ uploaderName: 'attendee', mine: false });
    const listed = (await callApi('GET', `/events/${EVENT}/photos`, { auth: tokens.stranger })).json.items;
    for (const body of [own.json, other.json, ...listed]) {
      expect(body).not.toHaveProperty('uploaderId');
      expect(body).not.toHaveProperty('objectKeys');
    }
  });
});

describe('PATCH /events/{eventId}/photos/{photoId}', () => {
  it('lets the uploader and the organizer edit, refuses a stranger', async () => {
    const { photoId } = await uploaded();
    const byUploader = await callApi('PATCH', photoPath(photoId), {
      body: { title: '키노트 연설 🎤', description: '主题演讲' },
      auth: tokens.uploader,
    });
    expect(byUploader.status).toBe(200);
    expect(byUploader.json).toMatchObject({ photoId, title: '키노트 연설 🎤', description: '主题演讲', status: 'ready', mine: true });

    const byOrganizer = await callApi('PATCH', photoPath(photoId), { body: { title: 'Keynote' }, auth: tokens.organizer });
    expect(byOrganizer.status).toBe(200);
    expect(byOrganizer.json).toMatchObject({ title: 'Keynote', description: '主题演讲', mine: false });

    const byStranger = await callApi('PATCH', photoPath(photoId), { body: { title: 'Mine now' }, auth: tokens.stranger });
    expect(byStranger.status).toBe(403);
    expect((await callApi('GET', photoPath(photoId), { auth: tokens.uploader })).json.title).toBe('Keynote');
  });

  it.each([
    ['a right-to-left override (U+202E)', 'evil\u202egpj.exe'],
    ['a zero-width space (U+200B)', 'Key\u200bnote'],
  ])('refuses a title with %s: 400 naming title', async (_name, title) => {
    const { photoId } = await uploaded();
    const response = await callApi('PATCH', photoPath(photoId), { body: { title }, auth: tokens.uploader });
    expect(response.status).toBe(400);
    expect(response.json.error.field).toBe('title');
    const initiated = await callApi('POST', `/events/${EVENT}/photos/initiate-upload`, {
      body: { title, contentType: 'image/jpeg', size: 1 },
      auth: tokens.uploader,
    });
    expect(initiated.json.error.field).toBe('title');
  });
});

describe('DELETE /events/{eventId}/photos/{photoId}', () => {
  it('answers 204, removes record and object (the CDN answers 404), and 204 again', async () => {
    const { photoId, url } = await uploaded();
    expect((await fetch(url)).status).toBe(200);

    expect((await callApi('DELETE', photoPath(photoId), { auth: tokens.stranger })).status).toBe(403);
    expect(await objectExists(photoId)).toBe(true);

    const deleted = await callApi('DELETE', photoPath(photoId), { auth: tokens.uploader });
    expect(deleted).toMatchObject({ status: 204, text: '' });
    expect(await objectExists(photoId)).toBe(false);
    expect((await fetch(url)).status).toBe(404);
    expect((await callApi('GET', photoPath(photoId), { auth: tokens.uploader })).status).toBe(404);
    expect(await listedIds()).not.toContain(photoId);
    expect((await callApi('DELETE', photoPath(photoId), { auth: tokens.uploader })).status).toBe(204);
  });

  it("lets the event's organizer delete an attendee's photo", async () => {
    const { photoId } = await uploaded();
    expect((await callApi('DELETE', photoPath(photoId), { auth: tokens.organizer })).status).toBe(204);
    expect(await objectExists(photoId)).toBe(false);
  });

  it('deletes a photo while it is being processed: no record, no object, never ready', async () => {
    for (let round = 0; round < 5; round++) {
      const photoId = await put(`Race ${round}`);
      // Processing has started (or is about to) on the S3 event of that PUT.
      expect((await callApi('DELETE', photoPath(photoId), { auth: tokens.uploader })).status).toBe(204);
      const during = await callApi('GET', photoPath(photoId), { auth: tokens.uploader });
      expect(during.status).toBe(404);
      await stack.notifications.idle();
      expect((await callApi('GET', photoPath(photoId), { auth: tokens.uploader })).status).toBe(404);
      expect(await objectExists(photoId)).toBe(false);
      expect(await listedIds()).not.toContain(photoId);
    }
  });

  it('deletes a pending photo; the object that arrives later is deleted by processing', async () => {
    const bytes = jpegBytes(1024);
    const initiated = await callApi('POST', `/events/${EVENT}/photos/initiate-upload`, {
      body: { title: 'Later', contentType: 'image/jpeg', size: bytes.length },
      auth: tokens.uploader,
    });
    const { photoId, s3PutObjectUrl, method, headers } = initiated.json;
    expect((await callApi('DELETE', photoPath(photoId), { auth: tokens.uploader })).status).toBe(204);
    expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
    await stack.notifications.idle();
    expect(await objectExists(photoId)).toBe(false);
    expect((await callApi('GET', photoPath(photoId), { auth: tokens.uploader })).status).toBe(404);
    expect(await listedIds()).not.toContain(photoId);
  });
});

describe('POST /events/{eventId}/photos/batch-delete', () => {
  it('answers deleted, notFound and forbidden per photo', async () => {
    const mine = await uploaded('Mine');
    const again = await uploaded('Mine too');
    // The stranger's own photo: the uploader may not delete it.
    const bytes = jpegBytes(1024);
    const initiated = await callApi('POST', `/events/${EVENT}/photos/initiate-upload`, {
      body: { title: 'Stranger', contentType: 'image/jpeg', size: bytes.length },
      auth: tokens.stranger,
    });
    await fetch(initiated.json.s3PutObjectUrl, { method: 'PUT', headers: initiated.json.headers, body: new Uint8Array(bytes) });
    await stack.notifications.idle();
    const theirs = initiated.json.photoId as string;
    const unknown = '01890a5d-ac96-774b-bcce-b3020990000f';

    const response = await callApi('POST', `/events/${EVENT}/photos/batch-delete`, {
      body: { photoIds: [mine.photoId, theirs, unknown, again.photoId, mine.photoId] },
      auth: tokens.uploader,
    });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      results: [
        { photoId: mine.photoId, status: 'deleted' },
        { photoId: theirs, status: 'forbidden' },
        { photoId: unknown, status: 'notFound' },
        { photoId: again.photoId, status: 'deleted' },
      ],
    });
    expect(await objectExists(mine.photoId)).toBe(false);
    expect(await objectExists(again.photoId)).toBe(false);
    expect(await objectExists(theirs)).toBe(true);
    expect(await listedIds()).toContain(theirs);

    const byOrganizer = await callApi('POST', `/events/${EVENT}/photos/batch-delete`, {
      body: { photoIds: [theirs] },
      auth: tokens.organizer,
    });
    expect(byOrganizer.json.results).toEqual([{ photoId: theirs, status: 'deleted' }]);
    expect(await objectExists(theirs)).toBe(false);
  });

  it('answers 400 naming photoIds for 101 ids', async () => {
    const photoIds = Array.from({ length: 101 }, (_, n) => `01890a5d-ac96-774b-bcce-${String(n).padStart(12, '0')}`);
    const response = await callApi('POST', `/events/${EVENT}/photos/batch-delete`, { body: { photoIds }, auth: tokens.uploader });
    expect(response.status).toBe(400);
    expect(response.json.error.field).toBe('photoIds');
  });
});
