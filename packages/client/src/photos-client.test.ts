import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, PhotoNotReadyError, PhotoRejectedError, apiErrorFrom } from '#lib/errors';
import { createPhotosClient, isForbiddenRequestHeader, type UploadStage } from '#lib/photos-client';
import { json, stubFetch } from '#lib/test-fetch';

const PHOTO_ID = '0190a0a0-0000-7000-8000-000000000001';
const API = 'https://api.example.test/';

const client = (getToken: () => string | Promise<string> = async () => 'id-token') =>
  createPhotosClient({ apiUrl: API, eventId: 'demo-event', getToken });

const initiated = {
  photoId: PHOTO_ID,
  s3PutObjectUrl: 'https://bucket.s3.example.test/uploads/event_demo-event/x.png?X-Amz-Signature=abc',
  method: 'PUT',
  // What the signer returns for a declared SHA-256: every header but Content-Length must be sent as is.
  headers: {
    'Content-Type': 'image/png',
    'Content-Length': '4',
    'Cache-Control': 'public, max-age=31536000, immutable',
    'If-None-Match': '*',
    'x-amz-checksum-sha256': createHash('sha256')
      .update(Buffer.from([0x89, 0x50, 0x4e, 0x47]))
      .digest('base64'),
  },
  expiresAt: '2026-11-02T10:05:00.000Z',
};

const readyPhoto = {
  photoId: PHOTO_ID,
  eventId: 'demo-event',
  title: '키노트 연설 🎤',
  description: '',
  contentType: 'image/png',
  size: 4,
  sha256: 'ab'.repeat(32),
  url: 'https://cdn.example.test/uploads/event_demo-event/x.png',
  uploaderId: 'user-1',
  createdAt: '2026-11-02T10:00:01.000Z',
  status: 'ready',
};
const pendingPhoto = { ...readyPhoto, status: 'pending', initiatedAt: '2026-11-02T10:00:00.000Z' };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('initiateUpload', () => {
  it('posts the JSON body with the bearer token from getToken', async () => {
    const { requests } = stubFetch(json(201, initiated));
    const result = await client().initiateUpload({ title: 'Opening', contentType: 'image/png', size: 4 });
    expect(result).toEqual(initiated);
    expect(requests[0]).toMatchObject({
      url: 'https://api.example.test/events/demo-event/photos/initiate-upload',
      method: 'POST',
      headers: { authorization: 'Bearer id-token', 'content-type': 'application/json' },
    });
    expect(JSON.parse(String(requests[0]!.body))).toEqual({ title: 'Opening', contentType: 'image/png', size: 4 });
  });

  it('escapes the event id in the path', async () => {
    const { requests } = stubFetch(json(400, { error: { code: 'ValidationError', message: 'eventId is invalid', field: 'eventId' } }));
    const photos = createPhotosClient({ apiUrl: API, eventId: '../a b', getToken: () => 't' });
    await expect(photos.initiateUpload({ title: 'x', contentType: 'image/png', size: 1 })).rejects.toMatchObject({ field: 'eventId' });
    expect(requests[0]!.url).toBe('https://api.example.test/events/..%2Fa%20b/photos/initiate-upload');
  });

  it("reports the API's error code, message and field", async () => {
    stubFetch(json(400, { error: { code: 'ValidationError', message: 'title must not be empty', field: 'title' } }));
    const error = await client()
      .initiateUpload({ title: ' ', contentType: 'image/png', size: 4 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'ValidationError', message: 'title must not be empty', field: 'title' });
  });
});

describe('uploadFile', () => {
  const file = () => new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });

  it('initiates, then PUTs the file with the signed headers except the forbidden Content-Length', async () => {
    const { requests } = stubFetch(json(201, initiated), new Response(null, { status: 200 }));
    const stages: UploadStage[] = [];
    const body = file();
    const result = await client().uploadFile(body, {
      title: '키노트 연설 🎤',
      description: '첫째 날',
      onStage: (stage) => stages.push(stage),
    });

    expect(result).toEqual({ photoId: PHOTO_ID });
    expect(stages).toEqual(['initiating', 'uploading']);
    expect(JSON.parse(String(requests[0]!.body))).toEqual({
      title: '키노트 연설 🎤',
      description: '첫째 날',
      contentType: 'image/png',
      size: 4,
    });
    expect(requests[1]).toEqual({
      url: initiated.s3PutObjectUrl,
      method: 'PUT',
      headers: {
        'content-type': 'image/png',
        'cache-control': 'public, max-age=31536000, immutable',
        'if-none-match': '*',
        'x-amz-checksum-sha256': initiated.headers['x-amz-checksum-sha256'],
      },
      body,
    });
  });

  it('does not hash the file unless asked', async () => {
    const { requests } = stubFetch(json(201, initiated), new Response(null, { status: 200 }));
    const digest = vi.spyOn(crypto.subtle, 'digest');
    await client().uploadFile(file(), { title: 'x' });
    expect(digest).not.toHaveBeenCalled();
    expect(JSON.parse(String(requests[0]!.body))).not.toHaveProperty('sha256');
    digest.mockRestore();
  });

  it('declares the SHA-256 when asked', async () => {
    const { requests } = stubFetch(json(201, initiated), new Response(null, { status: 200 }));
    const stages: UploadStage[] = [];
    await client().uploadFile(file(), { title: 'x', sha256: true, onStage: (stage) => stages.push(stage) });
    const expected = createHash('sha256')
      .update(Buffer.from([0x89, 0x50, 0x4e, 0x47]))
      .digest('hex');
    expect(JSON.parse(String(requests[0]!.body)).sha256).toBe(expected);
    expect(stages).toEqual(['hashing', 'initiating', 'uploading']);
  });

  it('sends the given contentType instead of the Blob type', async () => {
    const { requests } = stubFetch(
      json(400, { error: { code: 'ValidationError', message: 'contentType must be one of image/jpeg', field: 'contentType' } }),
    );
    await expect(client().uploadFile(new Blob(['hello']), { title: 'x', contentType: 'text/plain' })).rejects.toMatchObject({
      field: 'contentType',
    });
    expect(JSON.parse(String(requests[0]!.body)).contentType).toBe('text/plain');
    expect(requests).toHaveLength(1); // no PUT after a refused initiation
  });

  it("reports S3's XML error", async () => {
    stubFetch(
      json(201, initiated),
      new Response(
        '<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature &amp; headers differ</Message></Error>',
        {
          status: 403,
          headers: { 'content-type': 'application/xml' },
        },
      ),
    );
    await expect(client().uploadFile(file(), { title: 'x' })).rejects.toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature & headers differ',
    });
  });

  it('turns a failed PUT (network or CORS) into a NetworkError', async () => {
    stubFetch(json(201, initiated), new TypeError('Failed to fetch'));
    await expect(client().uploadFile(file(), { title: 'x' })).rejects.toMatchObject({ status: 0, code: 'NetworkError' });
  });

  it('passes an aborted PUT through as the AbortError, not a NetworkError', async () => {
    const abort = new DOMException('The operation was aborted.', 'AbortError');
    stubFetch(json(201, initiated), abort);
    await expect(client().uploadFile(file(), { title: 'x' })).rejects.toBe(abort);
  });
});

describe('listPhotos and getPhoto', () => {
  it('lists without a query string by default', async () => {
    const { requests } = stubFetch(json(200, { items: [readyPhoto], nextCursor: null }));
    const page = await client().listPhotos();
    expect(page.items[0]!.title).toBe('키노트 연설 🎤');
    expect(requests[0]).toMatchObject({ url: 'https://api.example.test/events/demo-event/photos', method: 'GET' });
    expect(requests[0]!.headers).toEqual({ authorization: 'Bearer id-token' });
  });

  it('passes limit and an encoded cursor', async () => {
    const { requests } = stubFetch(json(200, { items: [], nextCursor: null }));
    await client().listPhotos({ limit: 2, cursor: 'eyJh+b/c=' });
    expect(requests[0]!.url).toBe('https://api.example.test/events/demo-event/photos?limit=2&cursor=eyJh%2Bb%2Fc%3D');
  });

  it('gets one photo with its status', async () => {
    const { requests } = stubFetch(json(200, readyPhoto));
    const photo = await client(() => 'sync-token').getPhoto(PHOTO_ID);
    expect(photo.status).toBe('ready');
    expect(requests[0]!.url).toBe(`https://api.example.test/events/demo-event/photos/${PHOTO_ID}`);
    expect(requests[0]!.headers['authorization']).toBe('Bearer sync-token');
  });

  it("maps the gateway's own 401 answer", async () => {
    stubFetch(json(401, { message: 'Unauthorized' }));
    await expect(client().getPhoto(PHOTO_ID)).rejects.toMatchObject({ status: 401, code: 'Unauthorized', message: 'Unauthorized' });
  });

  it('does not call the API when getToken fails', async () => {
    const { requests } = stubFetch();
    await expect(client(() => Promise.reject(new Error('signed out'))).listPhotos()).rejects.toThrow('signed out');
    expect(requests).toHaveLength(0);
  });
});

describe('waitForPhoto', () => {
  it('polls until the photo is ready', async () => {
    const { requests } = stubFetch(json(200, pendingPhoto), json(200, pendingPhoto), json(200, readyPhoto));
    const photo = await client().waitForPhoto(PHOTO_ID, { intervalMs: 1 });
    expect(photo).toEqual(readyPhoto);
    expect(requests).toHaveLength(3);
  });

  it('gives up after timeoutMs', async () => {
    stubFetch(...Array.from({ length: 50 }, () => json(200, pendingPhoto)));
    const error = await client()
      .waitForPhoto(PHOTO_ID, { timeoutMs: 30, intervalMs: 5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PhotoNotReadyError);
    expect(error).toMatchObject({ photoId: PHOTO_ID, timeoutMs: 30 });
  });

  it('stops when aborted', async () => {
    stubFetch(...Array.from({ length: 50 }, () => json(200, pendingPhoto)));
    const controller = new AbortController();
    const waiting = client().waitForPhoto(PHOTO_ID, { timeoutMs: 10_000, intervalMs: 1_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('stops with the reason when processing rejected the file', async () => {
    const rejected = {
      ...pendingPhoto,
      status: 'rejected',
      rejectionReason: 'The file is image/png, not the declared image/jpeg',
      rejectedAt: '2026-11-22T06:00:00.000Z',
    };
    const { requests } = stubFetch(json(200, pendingPhoto), json(200, rejected), json(200, readyPhoto));
    const error = await client()
      .waitForPhoto(PHOTO_ID, { intervalMs: 1 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PhotoRejectedError);
    expect(error).toMatchObject({ photoId: PHOTO_ID, message: rejected.rejectionReason });
    expect(requests).toHaveLength(2);
  });

  it('fails on an API error instead of waiting', async () => {
    stubFetch(json(404, { error: { code: 'NotFound', message: 'Photo does not exist', field: 'photoId' } }));
    await expect(client().waitForPhoto(PHOTO_ID)).rejects.toMatchObject({ status: 404, code: 'NotFound', field: 'photoId' });
  });
});

describe('errors', () => {
  it('knows the forbidden request headers', () => {
    expect(['Content-Length', 'Host', 'Sec-Fetch-Mode', 'Proxy-Authorization', 'Cookie'].every(isForbiddenRequestHeader)).toBe(true);
    expect(['Content-Type', 'Cache-Control', 'x-amz-checksum-sha256', 'Authorization'].some(isForbiddenRequestHeader)).toBe(false);
  });

  it('uses the status name as the code when the API error has none', async () => {
    const error = await apiErrorFrom(json(409, { error: { message: 'Event summit-2026 already exists', field: 'eventId' } }));
    expect(error).toMatchObject({ status: 409, code: 'Conflict', message: 'Event summit-2026 already exists', field: 'eventId' });
  });

  it('reads a capitalised Message, as some AWS services send it', async () => {
    const error = await apiErrorFrom(json(403, { Message: 'User is not authorized to access this resource' }));
    expect(error).toMatchObject({ status: 403, code: 'Forbidden', message: 'User is not authorized to access this resource' });
  });

  it('falls back to the HTTP status for a body it does not understand', async () => {
    const error = await apiErrorFrom(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(error).toMatchObject({ status: 502, code: 'HttpError', message: 'Request failed with HTTP 502 Bad Gateway' });
    expect(error.field).toBeUndefined();
  });
});

describe('listing, edit and delete', () => {
  it('passes search, uploader and since', async () => {
    const { requests } = stubFetch(
      json(200, { items: [], nextCursor: null, feedCursor: 'f' }),
      json(200, { items: [], nextCursor: null, feedCursor: 'g' }),
    );
    await client().listPhotos({ q: 'Straße', uploader: 'me', limit: 10 });
    await client().listPhotos({ since: 'f+/=' });
    expect(requests.map((request) => request.url)).toEqual([
      'https://api.example.test/events/demo-event/photos?limit=10&q=Stra%C3%9Fe&uploader=me',
      'https://api.example.test/events/demo-event/photos?since=f%2B%2F%3D',
    ]);
  });

  it('iterates over every photo, following nextCursor only as the loop asks', async () => {
    const second = { ...readyPhoto, photoId: 'p2', title: 'Second' };
    const { requests } = stubFetch(
      json(200, { items: [readyPhoto], nextCursor: 'c1', feedCursor: 'f' }),
      json(200, { items: [second], nextCursor: null, feedCursor: null }),
    );
    const titles: string[] = [];
    for await (const photo of client().photos({ limit: 1 })) {
      titles.push(photo.title);
      if (titles.length === 1) expect(requests).toHaveLength(1);
    }
    expect(titles).toEqual([readyPhoto.title, 'Second']);
    expect(requests[1]!.url).toBe('https://api.example.test/events/demo-event/photos?limit=1&cursor=c1');
  });

  it('edits with PATCH and deletes with DELETE (204)', async () => {
    const { requests } = stubFetch(json(200, { ...readyPhoto, title: 'New' }), new Response(null, { status: 204 }));
    expect(await client().editPhoto(PHOTO_ID, { title: 'New' })).toMatchObject({ title: 'New' });
    expect(await client().deletePhoto(PHOTO_ID)).toBeUndefined();
    expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
      ['PATCH', `https://api.example.test/events/demo-event/photos/${PHOTO_ID}`, '{"title":"New"}'],
      ['DELETE', `https://api.example.test/events/demo-event/photos/${PHOTO_ID}`, undefined],
    ]);
  });

  it('batch-deletes 100 distinct ids per request', async () => {
    const ids = Array.from({ length: 150 }, (_, n) => `id-${n}`);
    const answer = (request: { body: RequestInit['body'] }) =>
      json(200, {
        results: (JSON.parse(String(request.body)) as { photoIds: string[] }).photoIds.map((photoId) => ({ photoId, status: 'deleted' })),
      });
    const { requests } = stubFetch(answer, answer);
    const results = await client().deletePhotos([...ids, 'id-0']);
    expect(requests.map((request) => (JSON.parse(String(request.body)) as { photoIds: string[] }).photoIds.length)).toEqual([100, 50]);
    expect(results).toHaveLength(150);
  });
});

describe('getOriginal', () => {
  it('asks for the presigned GET of the untouched original, with the bearer token', async () => {
    const answer = {
      url: 'https://bucket.s3.example.test/originals/event_demo-event/x.jpg?X-Amz-Signature=abc',
      expiresAt: '2026-11-02T10:05:00.000Z',
    };
    const { requests } = stubFetch(json(200, answer));
    expect(await client().getOriginal(PHOTO_ID)).toEqual(answer);
    expect(requests[0]).toMatchObject({
      url: `https://api.example.test/events/demo-event/photos/${PHOTO_ID}/original`,
      method: 'GET',
      headers: { authorization: 'Bearer id-token' },
    });
  });

  it("reports the API's 403 for a member who is neither its uploader nor the organizer", async () => {
    stubFetch(json(403, { error: { code: 'Forbidden', message: 'Only the uploader or the event organizer can download the original' } }));
    await expect(client().getOriginal(PHOTO_ID)).rejects.toMatchObject({ status: 403, code: 'Forbidden' });
  });
});
