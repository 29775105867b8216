import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@event-photos/local-stack';
import {
  apiCaller,
  callApi as request,
  createOtherClient,
  jpegBytes,
  publishedCognitoLocalKey,
  rawRequest,
  resignWithKey,
  signIn,
  stackSigningKey,
} from '@event-photos/local-stack/test-support';
import { admit } from './support/membership';

// The whole flow over HTTP against the local stack: Cognito sign-in, API, presigned PUT to S3,
// S3 event, DynamoDB record, CDN delivery.
let stack: LocalStack;
let dataDir: string;
let token: string;
let api: string;

const attendee = () => stack.outputs.demoUsers.find((user) => user.groups.length === 0)!;
const initiatePath = (eventId = stack.outputs.demoEventId) => `/events/${eventId}/photos/initiate-upload`;

const callApi = (method: string, pathname: string, { body, auth = token }: { body?: unknown; auth?: string | null } = {}) =>
  request(api, method, pathname, { token: auth, body });

async function upload(bytes: Buffer, fields: Record<string, unknown> = {}) {
  const initiated = await callApi('POST', initiatePath(), {
    body: { title: 'Opening', contentType: 'image/jpeg', size: bytes.length, ...fields },
  });
  expect(initiated.status, JSON.stringify(initiated.json)).toBe(201);
  const { s3PutObjectUrl, method, headers } = initiated.json;
  const put = await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) });
  expect(put.status, await put.clone().text()).toBe(200);
  return initiated.json as { photoId: string; headers: Record<string, string>; expiresAt: string; s3PutObjectUrl: string };
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-it-'));
  stack = await startLocalStack({ dataDir, retryDelaysMs: [50, 100] });
  api = stack.outputs.apiUrl;
  token = (await signIn(stack.outputs, attendee().email, attendee().password)).idToken;
});

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('upload flow', () => {
  it('initiates, uploads with the returned headers, records, lists and serves the photo', async () => {
    const bytes = jpegBytes(256 * 1024);
    const title = '키노트 연설 🎤';
    const description = '主题演讲：第一天';
    const { photoId, headers, expiresAt, s3PutObjectUrl } = await upload(bytes, { title, description });

    expect(photoId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Object.keys(headers).sort()).toEqual(['Cache-Control', 'Content-Length', 'Content-Type', 'If-None-Match']);
    expect(new URL(s3PutObjectUrl).pathname).toBe(`/${stack.outputs.bucketName}/uploads/event_demo-event/${photoId}.jpg`);
    expect(s3PutObjectUrl).not.toMatch(/x-amz-checksum|x-amz-sdk-checksum-algorithm/i);
    const lifetime = Date.parse(expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(240_000);
    expect(lifetime).toBeLessThanOrEqual(300_000);

    await stack.notifications.idle();
    const photo = await callApi('GET', `/events/demo-event/photos/${photoId}`);
    expect(photo.status).toBe(200);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(photo.json).toMatchObject({
      photoId,
      eventId: 'demo-event',
      title,
      description,
      contentType: 'image/jpeg',
      size: bytes.length,
      sha256,
      status: 'ready',
    });
    // The published copy, never the upload; signed for the CDN (the query changes per window).
    expect(photo.json.url.split('?')[0]).toBe(`${stack.outputs.cdnBaseUrl}/photos/event_demo-event/${photoId}.jpg`);
    expect(photo.json).toMatchObject({ uploaderName: attendee().email.split('@')[0], mine: true });
    expect(photo.json).not.toHaveProperty('uploaderId');

    const list = await callApi('GET', '/events/demo-event/photos');
    expect(list.status).toBe(200);
    expect(list.json.items.find((item: { photoId: string }) => item.photoId === photoId)).toMatchObject({ sha256, title, description });

    const served = await fetch(photo.json.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('cache-control')).toBe('private, max-age=1800, immutable');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    // The upload without its identifying metadata (the fixture's padding is comment segments): the
    // bytes the record names, decoding to the upload's pixels.
    const published = Buffer.from(await served.arrayBuffer());
    expect({ size: published.length, sha256: createHash('sha256').update(published).digest('hex') }).toEqual({
      size: photo.json.publishedSize,
      sha256: photo.json.publishedSha256,
    });
    expect(await sharp(published).raw().toBuffer()).toStrictEqual(await sharp(bytes).raw().toBuffer());
  });

  it('lists newest first with cursor pagination', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await upload(jpegBytes(1024), { title: `Page ${i}` })).photoId);
      await stack.notifications.idle(); // ready in this order: the list's order
    }
    const first = await callApi('GET', '/events/demo-event/photos?limit=2');
    expect(first.status).toBe(200);
    expect(first.json.items.map((item: { photoId: string }) => item.photoId)).toEqual([ids[2], ids[1]]);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await callApi('GET', `/events/demo-event/photos?limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`);
    expect(second.json.items[0].photoId).toBe(ids[0]);
  });

  it('answers a photo that is not uploaded yet as pending', async () => {
    const initiated = await callApi('POST', initiatePath(), { body: { title: 'Later', contentType: 'image/png', size: 10 } });
    const photo = await callApi('GET', `/events/demo-event/photos/${initiated.json.photoId}`);
    expect(photo.status).toBe(200);
    expect(photo.json).toMatchObject({ status: 'pending', title: 'Later' });
    const list = await callApi('GET', '/events/demo-event/photos?limit=100');
    expect(list.json.items.some((item: { photoId: string }) => item.photoId === initiated.json.photoId)).toBe(false);
  });
});

describe('events', () => {
  it('lets organizers create an event that attendees they invite can then upload to', async () => {
    const organizer = stack.outputs.demoUsers.find((user) => user.groups.includes('organizers'))!;
    const organizerToken = (await signIn(stack.outputs, organizer.email, organizer.password)).idToken;
    const event = { eventId: `summit-${Date.now()}`, name: 'Summit 2026 · 서울' };

    expect((await callApi('POST', '/events', { body: event })).status).toBe(403); // an attendee
    const created = await callApi('POST', '/events', { body: event, auth: organizerToken });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject(event);
    expect((await callApi('POST', '/events', { body: event, auth: organizerToken })).status).toBe(409);
    expect((await callApi('POST', '/events', { body: { eventId: '../x', name: 'x' }, auth: organizerToken })).json.error.field).toBe(
      'eventId',
    );

    const bytes = jpegBytes(500);
    const upload = () =>
      callApi('POST', initiatePath(event.eventId), { body: { title: 'First', contentType: 'image/jpeg', size: bytes.length } });
    // Not invited yet: the event is not there for them.
    expect((await upload()).status).toBe(404);
    await admit(apiCaller(stack.outputs, organizerToken), apiCaller(stack.outputs, token), event.eventId);
    const initiated = await upload();
    expect(initiated.status).toBe(201);
    expect(
      (await fetch(initiated.json.s3PutObjectUrl, { method: 'PUT', headers: initiated.json.headers, body: new Uint8Array(bytes) })).status,
    ).toBe(200);
    await stack.notifications.idle();
    const list = await callApi('GET', `/events/${event.eventId}/photos`);
    expect(list.json.items.map((item: { photoId: string }) => item.photoId)).toEqual([initiated.json.photoId]);
  });
});

describe('authorizer', () => {
  const body = { title: 'x', contentType: 'image/jpeg', size: 1 };

  it("accepts a token re-signed with the stack's own key (so the rejections below are for their claims)", async () => {
    expect((await callApi('POST', initiatePath(), { body, auth: resignWithKey(token, {}, stackSigningKey(dataDir)) })).status).toBe(201);
  });

  it('accepts both the ID token and the access token of the app client', async () => {
    const { accessToken } = await signIn(stack.outputs, attendee().email, attendee().password);
    expect((await callApi('POST', initiatePath(), { body, auth: accessToken })).status).toBe(201);
  });

  it.each([
    ['no token', () => null],
    ['a garbage token', () => 'not-a-jwt'],
    [
      'a tampered token',
      () => {
        const [header, payload, signature] = token.split('.') as [string, string, string];
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        return `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`;
      },
    ],
    [
      'an unsigned alg:none token',
      () => {
        const payload = token.split('.')[1];
        return `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
      },
    ],
    ['an expired token', () => resignWithKey(token, { exp: Math.floor(Date.now() / 1000) - 60 }, stackSigningKey(dataDir))],
    ['a token from another issuer', () => resignWithKey(token, { iss: 'http://127.0.0.1:1/local_other' }, stackSigningKey(dataDir))],
    ['a token with token_use refresh', () => resignWithKey(token, { token_use: 'refresh' }, stackSigningKey(dataDir))],
    // cognito-local's own key ships in its npm package: whoever signs with it must not get in.
    [
      'an organizer token forged with the key cognito-local publishes',
      () => resignWithKey(token, { 'cognito:groups': ['organizers'] }, publishedCognitoLocalKey()),
    ],
  ])('rejects %s with 401', async (_name, makeToken) => {
    const response = await callApi('POST', initiatePath(), { body, auth: makeToken() });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ message: 'Unauthorized' });
  });

  it('rejects a valid token for another app client with 401', async () => {
    const otherClientId = await createOtherClient(stack.outputs);
    const { idToken, accessToken } = await signIn(stack.outputs, attendee().email, attendee().password, otherClientId);
    expect((await callApi('POST', initiatePath(), { body, auth: idToken })).status).toBe(401);
    expect((await callApi('POST', initiatePath(), { body, auth: accessToken })).status).toBe(401);
  });
});

describe('bad input', () => {
  const valid = { title: 'Ok', contentType: 'image/jpeg', size: 100 };

  it.each([
    ['malformed JSON', '{"title": "x",', 'body'],
    ['a JSON array', '[]', 'body'],
    ['an unknown contentType', { ...valid, contentType: 'image/svg+xml' }, 'contentType'],
    ['size 0', { ...valid, size: 0 }, 'size'],
    ['size over the maximum', { ...valid, size: 25 * 1024 * 1024 + 1 }, 'size'],
    ['size as a string', { ...valid, size: '100' }, 'size'],
    ['an over-long title', { ...valid, title: 'x'.repeat(201) }, 'title'],
    ['a missing title', { contentType: 'image/jpeg', size: 1 }, 'title'],
    ['an unknown field', { ...valid, owner: 'me' }, 'owner'],
  ])('refuses %s with 400 naming the field', async (_name, body, field) => {
    const response = await callApi('POST', initiatePath(), { body });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'ValidationError', field });
    expect(response.json.error.message).toContain(field);
  });

  it.each([['/events/a%2Fb/photos/initiate-upload'], ['/events/../photos/initiate-upload'], ['/events/%2E%2E/photos/initiate-upload']])(
    'refuses the eventId in %s with 400',
    async (rawPath) => {
      const response = await rawRequest(api, {
        method: 'POST',
        path: rawPath,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(valid),
      });
      expect(response.status).toBe(400);
      expect(response.json.error.field).toBe('eventId');
    },
  );

  it('answers 404 for an unknown event', async () => {
    const response = await callApi('POST', initiatePath('no-such-event'), { body: valid });
    expect(response.status).toBe(404);
    expect(response.json.error).toMatchObject({ code: 'NotFound', field: 'eventId' });
    expect((await callApi('GET', '/events/no-such-event/photos')).status).toBe(404);
  });

  it('answers 400 for a bad cursor or limit, 404 for an unknown photo', async () => {
    for (const [query, field] of [
      ['cursor=garbage', 'cursor'],
      ['limit=1000', 'limit'],
    ]) {
      const response = await callApi('GET', `/events/demo-event/photos?${query}`);
      expect(response.status).toBe(400);
      expect(response.json.error).toMatchObject({ code: 'ValidationError', field });
    }
    const missing = await callApi('GET', '/events/demo-event/photos/0190a0a0-0000-7000-8000-000000000000');
    expect(missing.status).toBe(404);
  });
});
