import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { decodeMetadataValue } from '@event-photos/core';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import {
  FIXTURE_EVENT_ID as EVENT_ID,
  ORGANIZER_ID,
  eventRecord,
  photoRecord,
  seedMember,
  seedPhoto,
} from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { expectSignedUrls, publishedPhoto, testSigner } from '../test-support/cdn-signer';
import { createHandler } from './initiate-upload';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const validBody = { title: '키노트 연설 🎤', description: 'Opening talk', contentType: 'image/jpeg', size: 1234 };

let stores: FakeStores;
let handler: ReturnType<typeof createHandler>;
/** Every upload the handler records goes through here. */
let saves: MockInstance<FakeStores['photos']['reserveUpload']>;

function invoke(options: HttpEventOptions = {}) {
  return handler(
    httpEvent({
      method: 'POST',
      path: `/events/${EVENT_ID}/photos/initiate-upload`,
      pathParameters: { eventId: EVENT_ID },
      body: validBody,
      ...options,
    }),
    lambdaContext(),
  );
}

/** The upload the handler recorded for the photoId it answered. */
const recorded = async (result: Awaited<ReturnType<typeof invoke>>) => stores.photos.getUpload(EVENT_ID, jsonOf(result).photoId);

beforeEach(async () => {
  stores = fakeStores();
  handler = createHandler(stores, undefined, undefined, tokenGroups, testSigner);
  saves = vi.spyOn(stores.photos, 'reserveUpload');
  await stores.photos.createEvent(eventRecord());
  for (const member of [TEST_SUB, 'someone-else']) await seedMember(stores.members, EVENT_ID, member);
});

describe('initiate-upload', () => {
  it.each<[string, NonNullable<HttpEventOptions['claims']>, string]>([
    ["the email's local part", { email: 'ana.lopez@example.com' }, 'ana.lopez'],
    ['the name claim first', { email: 'ana@example.com', name: 'Ana López', preferred_username: 'ana_l' }, 'Ana López'],
    ['preferred_username before the email', { email: 'ana@example.com', preferred_username: 'ana_l' }, 'ana_l'],
    ['a name without bidi or zero-width characters', { name: '\u202eAna\u200b' }, 'Ana'],
    ['the email when the name is only invisible characters', { name: '\u200b ', email: 'ana@example.com' }, 'ana'],
  ])('records the uploader name from %s', async (_name, claims, expected) => {
    const result = await invoke({ claims });
    expect(result.statusCode).toBe(201);
    expect(await recorded(result)).toMatchObject({ uploaderId: TEST_SUB, uploaderName: expected });
  });

  it('returns 201 with a UUIDv7 photoId and a PUT URL for its key', async () => {
    const before = Date.now();
    const result = await invoke();
    expect(result.statusCode).toBe(201);
    const body = jsonOf(result);

    expect(body.photoId).toMatch(UUID_V7);
    expect(body.method).toBe('PUT');
    const url = new URL(body.s3PutObjectUrl);
    expect(url.hostname).toContain('photos-bucket-test');
    expect(url.pathname).toBe(`/uploads/event_${EVENT_ID}/${body.photoId}.jpg`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('x-amz-meta-uploaderid')).toBe(TEST_SUB);
    expect(url.searchParams.get('x-amz-meta-photoid')).toBe(body.photoId);
    expect(url.searchParams.get('x-amz-meta-eventid')).toBe(EVENT_ID);
    expect(decodeMetadataValue(url.searchParams.get('x-amz-meta-title')!)).toBe(validBody.title);
    expect(body.headers).toEqual({
      'Content-Type': 'image/jpeg',
      'Content-Length': '1234',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'If-None-Match': '*',
    });
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type', 'cache-control', 'if-none-match', 'host']),
    );
    const expiresAt = Date.parse(body.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 300_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 300_000);
  });

  // Its TTL is the adapter's (photo-repository.test.ts, reserveUpload).
  it('records the pending upload with the uploader sub, the object key and the URL expiry', async () => {
    const before = Date.now();
    const result = await invoke();
    const { photoId, expiresAt } = jsonOf(result);

    expect(saves).toHaveBeenCalledTimes(1);
    const upload = await recorded(result);
    expect(upload).toStrictEqual({
      status: 'pending',
      photoId,
      eventId: EVENT_ID,
      uploaderId: TEST_SUB,
      uploaderName: 'Unknown', // the test token has no name or email claim
      title: validBody.title,
      description: validBody.description,
      contentType: 'image/jpeg',
      size: 1234,
      objectKey: `uploads/event_${EVENT_ID}/${photoId}.jpg`,
      initiatedAt: expect.any(String),
      expiresAt,
    });
    if (upload?.status !== 'pending') throw new Error('not recorded pending');
    expect(Date.parse(upload.initiatedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(expiresAt) - Date.parse(upload.initiatedAt)).toBe(300_000);
  });

  it('uses the extension of the content type and a fresh id each time', async () => {
    const a = jsonOf(await invoke({ body: { ...validBody, contentType: 'image/png' } }));
    const b = jsonOf(await invoke({ body: { ...validBody, contentType: 'image/png' } }));
    expect(new URL(a.s3PutObjectUrl).pathname).toBe(`/uploads/event_${EVENT_ID}/${a.photoId}.png`);
    expect(a.photoId).not.toBe(b.photoId);
  });

  it('pins a declared sha256 as the base64 x-amz-checksum-sha256 header S3 verifies', async () => {
    const sha256 = createHash('sha256').update('photo bytes').digest();
    const result = await invoke({ body: { ...validBody, sha256: sha256.toString('hex').toUpperCase() } });
    expect(result.statusCode).toBe(201);
    const body = jsonOf(result);
    expect(body.headers['x-amz-checksum-sha256']).toBe(sha256.toString('base64'));
    const url = new URL(body.s3PutObjectUrl);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('x-amz-checksum-sha256');
    expect(url.searchParams.has('x-amz-checksum-sha256')).toBe(false);
  });

  describe('a declared sha256 the event already holds', () => {
    const SHA = 'ab'.repeat(32);
    const EXISTING = '01890a5d-ac96-774b-bcce-b302099a8057';
    const photo = photoRecord({
      photoId: EXISTING,
      size: 10,
      sha256: SHA,
      url: 'https://cdn/x.jpg',
      uploaderId: 'someone',
      objectKeys: ['uploads/x.jpg'],
    });

    it('answers 200 duplicate with the photo view, no URL and no upload record', async () => {
      await seedPhoto(stores.photos, photo);
      saves.mockClear(); // the seeding's own upload
      const result = await invoke({ body: { ...validBody, sha256: SHA.toUpperCase() } });
      expect(result.statusCode).toBe(200);
      expect(jsonOf(result)).toEqual({
        duplicate: true,
        photo: {
          photoId: EXISTING,
          eventId: EVENT_ID,
          title: 'Keynote',
          description: '',
          contentType: 'image/jpeg',
          size: 10,
          sha256: SHA,
          url: 'https://cdn/x.jpg',
          publishedSize: 1200,
          publishedSha256: 'cd'.repeat(32),
          uploaderName: 'ana',
          mine: false,
          createdAt: photo.createdAt,
        },
      });
      expect(saves).not.toHaveBeenCalled();
    });

    it("signs the duplicate's URL and rendition URLs", async () => {
      await seedPhoto(stores.photos, publishedPhoto({ photoId: EXISTING, size: 10, sha256: SHA, uploaderId: 'someone' }));
      const result = await invoke({ body: { ...validBody, sha256: SHA } });
      expect(result.statusCode).toBe(200);
      expectSignedUrls(jsonOf(result).photo);
    });

    it('signs an upload when no ready photo holds the bytes: none, one still being published, or one deleted', async () => {
      expect((await invoke({ body: { ...validBody, sha256: SHA } })).statusCode).toBe(201);
      await seedPhoto(stores.photos, photo, { ready: false });
      expect((await invoke({ body: { ...validBody, sha256: SHA } })).statusCode).toBe(201);
      await stores.photos.deletePhoto(EVENT_ID, EXISTING, 'someone');
      expect((await invoke({ body: { ...validBody, sha256: SHA } })).statusCode).toBe(201);
    });
  });

  it('accepts a base64-encoded body', async () => {
    const result = await invoke({ body: Buffer.from(JSON.stringify(validBody)).toString('base64'), isBase64Encoded: true });
    expect(result.statusCode).toBe(201);
  });

  it('returns 404 naming the eventId when the event does not exist', async () => {
    const result = await invoke({ pathParameters: { eventId: 'unknown-event' } });
    expect(result.statusCode).toBe(404);
    const { error } = jsonOf(result);
    expect(error.code).toBe('NotFound');
    expect(error.field).toBe('eventId');
    expect(error.message).toContain('unknown-event');
    expect(saves).not.toHaveBeenCalled();
  });

  describe('who may upload', () => {
    it('answers a stranger 404 as for an unknown event, signing nothing', async () => {
      const result = await invoke({ claims: { sub: 'stranger-sub' } });
      expect(jsonOf(result)).toEqual({ error: { code: 'NotFound', message: `Event ${EVENT_ID} does not exist`, field: 'eventId' } });
      expect(saves).not.toHaveBeenCalled();
    });

    it('answers 403 to a member whose invite gives no uploads, signing nothing', async () => {
      await seedMember(stores.members, EVENT_ID, 'viewer-sub', { rights: { upload: false, viewOthers: true, downloadOriginals: true } });
      const result = await invoke({ claims: { sub: 'viewer-sub' } });
      expect(result.statusCode).toBe(403);
      expect(jsonOf(result).error.code).toBe('Forbidden');
      expect(saves).not.toHaveBeenCalled();
    });

    it('lets the organizer upload while in the organizers group, without being a member', async () => {
      expect((await invoke({ claims: { sub: ORGANIZER_ID, 'cognito:groups': ['organizers'] } })).statusCode).toBe(201);
      expect((await invoke({ claims: { sub: ORGANIZER_ID } })).statusCode).toBe(404);
    });

    it("signs an upload for a member who sees only their own photos when another's photo holds the bytes (processing discards it), and answers their own as a duplicate", async () => {
      await seedMember(stores.members, EVENT_ID, 'guest-sub', { rights: { upload: true, viewOthers: false, downloadOriginals: false } });
      const theirs = await seedPhoto(stores.photos, photoRecord({ uploaderId: 'someone-else', sha256: 'cd'.repeat(32) }));
      const own = await seedPhoto(
        stores.photos,
        photoRecord({ photoId: '01890a5d-ac96-774b-bcce-000000000002', uploaderId: 'guest-sub', sha256: 'ef'.repeat(32) }),
      );
      const asGuest = (sha256: string) => invoke({ claims: { sub: 'guest-sub' }, body: { ...validBody, sha256 } });
      const other = await asGuest(theirs.sha256);
      expect(other.statusCode).toBe(201);
      expect(other.body).not.toContain(theirs.photoId);
      expect(jsonOf(await asGuest(own.sha256))).toMatchObject({ duplicate: true, photo: { photoId: own.photoId, mine: true } });
    });
  });

  it('returns 409 EventClosed, signing nothing, when the organizer closed the event', async () => {
    await stores.photos.updateEvent(EVENT_ID, ORGANIZER_ID, { open: false });
    const result = await invoke();
    expect(result.statusCode).toBe(409);
    const { error } = jsonOf(result);
    expect(error).toEqual({ code: 'EventClosed', message: `Event ${EVENT_ID} is closed to uploads`, field: 'eventId' });
    expect(saves).not.toHaveBeenCalled();
  });

  it('accepts uploads to an event that is open again', async () => {
    await stores.photos.updateEvent(EVENT_ID, ORGANIZER_ID, { open: false });
    await stores.photos.updateEvent(EVENT_ID, ORGANIZER_ID, { open: true });
    expect((await invoke()).statusCode).toBe(201);
  });

  it('returns 401 without a caller sub', async () => {
    const result = await invoke({ claims: { sub: undefined } });
    expect(result.statusCode).toBe(401);
    expect(jsonOf(result).error.code).toBe('Unauthorized');
    expect(saves).not.toHaveBeenCalled();
  });

  describe('bad input is a 400 naming the field', () => {
    const cases: Array<[string, HttpEventOptions, string]> = [
      ['malformed JSON', { body: '{"title": "x",' }, 'body'],
      ['missing body', { body: undefined }, 'body'],
      ['empty body', { body: '' }, 'body'],
      ['JSON null', { body: 'null' }, 'body'],
      ['JSON array', { body: '[]' }, 'body'],
      ['unknown contentType', { body: { ...validBody, contentType: 'image/svg+xml' } }, 'contentType'],
      ['size 0', { body: { ...validBody, size: 0 } }, 'size'],
      ['size over 25 MiB', { body: { ...validBody, size: 25 * 1024 * 1024 + 1 } }, 'size'],
      ['size as a string', { body: { ...validBody, size: '1234' } }, 'size'],
      ['title of 201 characters', { body: { ...validBody, title: 't'.repeat(201) } }, 'title'],
      ['unknown field', { body: { ...validBody, bucket: 'other' } }, 'bucket'],
      ['eventId ..', { pathParameters: { eventId: '..' } }, 'eventId'],
      ['eventId a/b', { pathParameters: { eventId: 'a/b' } }, 'eventId'],
      ['no eventId', { pathParameters: {} }, 'eventId'],
    ];

    it.each(cases)('%s', async (_name, options, field) => {
      const result = await invoke(options);
      expect(result.statusCode).toBe(400);
      const { error } = jsonOf(result);
      expect(error.code).toBe('ValidationError');
      expect(error.field).toBe(field);
      expect(saves).not.toHaveBeenCalled();
    });

    it('accepts exactly 25 MiB', async () => {
      expect((await invoke({ body: { ...validBody, size: 25 * 1024 * 1024 } })).statusCode).toBe(201);
    });
  });

  it('answers every malformed body and unsafe eventId with a 400, never a 500', async () => {
    const bodies: unknown[] = [
      'not json',
      '"a string"',
      '42',
      'true',
      '{}',
      '{"__proto__": {"polluted": true}, "title": "x", "contentType": "image/jpeg", "size": 1}',
      '{"constructor": {"prototype": {}}}',
      { ...validBody, size: Number.POSITIVE_INFINITY },
      { ...validBody, size: -0.5 },
      { ...validBody, size: null },
      { ...validBody, size: [1] },
      { ...validBody, title: null },
      { ...validBody, title: 12 },
      { ...validBody, title: { nested: true } },
      { ...validBody, title: 'a\u0000b' },
      { ...validBody, title: 'bad \udc00 surrogate' },
      { ...validBody, description: 7 },
      { ...validBody, description: 'x'.repeat(2001) },
      { ...validBody, contentType: null },
      { ...validBody, contentType: ['image/jpeg'] },
      { ...validBody, sha256: 'nothex' },
      { ...validBody, sha256: 123 },
      '\u0000',
    ];
    const statuses: number[] = [];
    for (const body of bodies) statuses.push((await invoke({ body })).statusCode!);
    for (const eventId of ['', ' ', '%2e%2e', 'a'.repeat(65), 'x\u0000', '../../etc']) {
      statuses.push((await invoke({ pathParameters: { eventId } })).statusCode!);
    }
    expect(statuses).toEqual(statuses.map(() => 400));
    expect(saves).not.toHaveBeenCalled();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('answers a store failure with a 500 that reveals nothing', async () => {
    saves.mockRejectedValue(new Error('connect ECONNREFUSED 10.0.0.1:443 table photos-test'));
    const result = await invoke();
    expect(result.statusCode).toBe(500);
    expect(jsonOf(result)).toEqual({ error: { code: 'InternalError', message: 'Internal server error' } });
    expect(result.body).not.toMatch(/ECONNREFUSED|photos-test|stack|Error:/);
  });

  it('answers a failing event lookup with a 500 too', async () => {
    vi.spyOn(stores.photos, 'getEvent').mockRejectedValue(new Error('boom'));
    const result = await invoke();
    expect(result.statusCode).toBe(500);
    expect(jsonOf(result).error.message).toBe('Internal server error');
  });
});

describe('upload quotas', () => {
  it("answers 429 QuotaExceeded with Retry-After once the caller's hourly uploads are used, and records no upload", async () => {
    await stores.photos.updateEvent(EVENT_ID, ORGANIZER_ID, { quotas: { userUploadsPerHour: 2 } });
    for (let n = 0; n < 2; n++) expect((await invoke()).statusCode).toBe(201);
    saves.mockClear();
    const refused = await invoke();
    expect(refused.statusCode).toBe(429);
    // Refused in the same call that would record it: no upload of that id exists.
    const [attempted] = saves.mock.calls[0]!;
    expect(await stores.photos.getUpload(EVENT_ID, attempted.photoId)).toBeNull();
    expect(jsonOf(refused).error).toMatchObject({
      code: 'QuotaExceeded',
      field: 'quota',
      message: expect.stringMatching(/^You have reached your upload limit for this hour; try again in \d+ minutes?$/),
    });
    const retryAfter = Number(refused.headers?.['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
  });

  it("counts bytes too, and the event's quota for everyone", async () => {
    await stores.photos.updateEvent(EVENT_ID, ORGANIZER_ID, { quotas: { userBytesPerHour: 2000 } });
    expect((await invoke()).statusCode).toBe(201); // 1234 bytes
    expect((await invoke()).statusCode).toBe(429);
    await stores.photos.updateEvent(EVENT_ID, ORGANIZER_ID, { quotas: { eventUploadsPerHour: 1 } });
    const other = await invoke({ claims: { sub: 'someone-else' } });
    expect(other.statusCode).toBe(429);
    expect(jsonOf(other).error.message).toMatch(/^This event has reached its upload limit/);
  });

  it('lets a duplicate through without counting it', async () => {
    await stores.photos.updateEvent(EVENT_ID, ORGANIZER_ID, { quotas: { userUploadsPerHour: 1 } });
    const bytes = Buffer.from('same bytes');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await seedPhoto(stores.photos, photoRecord({ sha256 }));
    expect((await invoke({ body: { ...validBody, sha256 } })).statusCode).toBe(200);
    expect((await invoke()).statusCode).toBe(201);
  });
});
