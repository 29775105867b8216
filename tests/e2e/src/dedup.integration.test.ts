import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@event-photos/local-stack';
import { apiCaller, callApi as request, jpegBytes, s3Client, signIn } from '@event-photos/local-stack/test-support';
import { admit } from './support/membership';

// Deduplication within an event by SHA-256, over HTTP against the local stack.
let stack: LocalStack;
let dataDir: string;
let s3: S3Client;
let attendee = '';
let organizer = '';
const EVENT = 'demo-event';

const callApi = (method: string, pathname: string, { body, auth = attendee }: { body?: unknown; auth?: string } = {}) =>
  request(stack.outputs.apiUrl, method, pathname, { token: auth, body });
const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function initiate(bytes: Buffer, { eventId = EVENT, declare = false } = {}) {
  return callApi('POST', `/events/${eventId}/photos/initiate-upload`, {
    body: { title: 'Same bytes', contentType: 'image/jpeg', size: bytes.length, ...(declare ? { sha256: sha256Of(bytes) } : {}) },
  });
}
/** Initiates without a declared sha256 and PUTs; processing runs in the background. */
async function put(bytes: Buffer, eventId = EVENT): Promise<string> {
  const initiated = await initiate(bytes, { eventId });
  expect(initiated.status, JSON.stringify(initiated.json)).toBe(201);
  const { photoId, s3PutObjectUrl, method, headers } = initiated.json;
  expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
  return photoId as string;
}
const getPhoto = async (photoId: string, eventId = EVENT) => (await callApi('GET', `/events/${eventId}/photos/${photoId}`)).json;
async function listedIds(eventId = EVENT): Promise<string[]> {
  return (await callApi('GET', `/events/${eventId}/photos?limit=100`)).json.items.map((item: { photoId: string }) => item.photoId);
}
async function objectExists(photoId: string, eventId = EVENT): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: stack.outputs.bucketName, Key: `uploads/event_${eventId}/${photoId}.jpg` }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-dedup-'));
  stack = await startLocalStack({ dataDir, retryDelaysMs: [50, 100] });
  s3 = s3Client(stack.outputs);
  const user = (groups: number) => stack.outputs.demoUsers.find((candidate) => candidate.groups.length === groups)!;
  attendee = (await signIn(stack.outputs, user(0).email, user(0).password)).idToken;
  organizer = (await signIn(stack.outputs, user(1).email, user(1).password)).idToken;
});

afterAll(async () => {
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('deduplication by SHA-256 within an event', () => {
  it('answers initiate-upload with a sha256 the event holds with 200 duplicate and no upload URL', async () => {
    const bytes = jpegBytes(3000);
    const photoId = await put(bytes);
    await stack.notifications.idle();
    expect((await getPhoto(photoId)).status).toBe('ready');

    const again = await initiate(bytes, { declare: true });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ duplicate: true, photo: { photoId, sha256: sha256Of(bytes), mine: true } });
    expect(again.json).not.toHaveProperty('s3PutObjectUrl');
  });

  it('keeps one photo when the same bytes are uploaded again undeclared: the second reads duplicate, its object is gone', async () => {
    const bytes = jpegBytes(3100);
    const first = await put(bytes);
    await stack.notifications.idle();
    const second = await put(bytes);
    await stack.notifications.idle();
    expect(await getPhoto(second)).toMatchObject({ status: 'duplicate', duplicateOf: first });
    expect(await objectExists(second)).toBe(false);
    expect(await objectExists(first)).toBe(true);
    const listed = await listedIds();
    expect(listed).toContain(first);
    expect(listed).not.toContain(second);
  });

  it('ends two uploads of the same bytes at the same moment with exactly one photo', async () => {
    const bytes = jpegBytes(3200);
    const ids = await Promise.all([put(bytes), put(bytes), put(bytes)]);
    await stack.notifications.idle();
    const views = await Promise.all(ids.map((photoId) => getPhoto(photoId)));
    const ready = views.filter((view) => view.status === 'ready');
    expect(ready).toHaveLength(1);
    for (const view of views.filter((candidate) => candidate.status !== 'ready')) {
      expect(view).toMatchObject({ status: 'duplicate', duplicateOf: ready[0].photoId });
    }
    expect((await listedIds()).filter((photoId) => ids.includes(photoId))).toEqual([ready[0].photoId]);
  });

  it('releases the hash when the photo is deleted: the same bytes can be uploaded again', async () => {
    const bytes = jpegBytes(3300);
    const first = await put(bytes);
    await stack.notifications.idle();
    expect((await callApi('DELETE', `/events/${EVENT}/photos/${first}`)).status).toBe(204);
    expect((await initiate(bytes, { declare: true })).status).toBe(201);
    const again = await put(bytes);
    await stack.notifications.idle();
    expect(await getPhoto(again)).toMatchObject({ status: 'ready', sha256: sha256Of(bytes) });
  });

  it('does not treat the same bytes in another event as a duplicate', async () => {
    const eventId = `dedup-${Date.now()}`;
    expect((await callApi('POST', '/events', { body: { eventId, name: 'Other event' }, auth: organizer })).status).toBe(201);
    await admit(apiCaller(stack.outputs, organizer), apiCaller(stack.outputs, attendee), eventId);
    const bytes = jpegBytes(3400);
    const here = await put(bytes);
    const there = await put(bytes, eventId);
    await stack.notifications.idle();
    expect((await getPhoto(here)).status).toBe('ready');
    expect((await getPhoto(there, eventId)).status).toBe('ready');
  });
});
