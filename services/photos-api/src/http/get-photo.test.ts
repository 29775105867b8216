import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { photoView, type PendingUpload, type Photo } from '@event-photos/core';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext } from '../test-support/events';
import { handler } from './get-photo';

const ddb = mockClient(DynamoDBDocumentClient);
const EVENT_ID = 'summit-2026';
const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const pk = `EVENT#${EVENT_ID}`;

const photo: Photo = {
  photoId: PHOTO_ID,
  eventId: EVENT_ID,
  title: '키노트 연설 🎤',
  description: 'Opening talk',
  contentType: 'image/jpeg',
  size: 1234,
  sha256: 'ab'.repeat(32),
  url: `https://d111111abcdef8.cloudfront.net/uploads/event_${EVENT_ID}/${PHOTO_ID}.jpg`,
  uploaderId: 'user-1',
  uploaderName: 'ana',
  objectKeys: [`uploads/event_${EVENT_ID}/${PHOTO_ID}.jpg`],
  createdAt: '2026-05-01T10:00:00.000Z',
};
const pending: PendingUpload = {
  photoId: PHOTO_ID,
  eventId: EVENT_ID,
  title: '키노트 연설 🎤',
  description: 'Opening talk',
  contentType: 'image/jpeg',
  size: 1234,
  uploaderId: 'user-1',
  uploaderName: 'ana',
  objectKey: `uploads/event_${EVENT_ID}/${PHOTO_ID}.jpg`,
  initiatedAt: '2026-05-01T10:00:00.000Z',
  expiresAt: '2026-05-01T10:05:00.000Z',
};

/** Serves GetCommand from a table of items keyed by "pk|sk". */
function table(items: Record<string, Record<string, unknown>>) {
  ddb.on(GetCommand).callsFake((input: { Key: { pk: string; sk: string } }) => {
    const found = items[`${input.Key.pk}|${input.Key.sk}`];
    return found ? { Item: { ...input.Key, ...found } } : {};
  });
}

function invoke(pathParameters: Record<string, string> = { eventId: EVENT_ID, photoId: PHOTO_ID }) {
  return handler(httpEvent({ path: '/events/x/photos/y', pathParameters }), lambdaContext());
}

beforeEach(() => {
  ddb.reset();
});

describe('get-photo', () => {
  it('returns a processed photo as ready', async () => {
    table({ [`${pk}|PHOTO#${PHOTO_ID}`]: { ...photo } });
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({ ...photoView(photo, TEST_SUB), status: 'ready' });
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({ TableName: 'photos-test', ConsistentRead: true });
  });

  it('returns a pending upload without its object key, expiry or TTL', async () => {
    table({ [`${pk}|UPLOAD#${PHOTO_ID}`]: { ...pending, ttl: 1_800_000_000 } });
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    const { objectKey: _key, expiresAt: _expires, uploaderId: _uploader, ...visible } = pending;
    expect(jsonOf(result)).toEqual({ ...visible, mine: false, status: 'pending' });
  });

  it('returns a rejected upload with its reason', async () => {
    table({
      [`${pk}|UPLOAD#${PHOTO_ID}`]: {
        ...pending,
        status: 'rejected',
        rejectionReason: 'The file is text/html, not the declared image/jpeg',
        rejectedAt: '2026-05-01T10:01:00.000Z',
      },
    });
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    const body = jsonOf(result);
    expect(body.status).toBe('rejected');
    expect(body.rejectionReason).toBe('The file is text/html, not the declared image/jpeg');
    expect(body).not.toHaveProperty('objectKey');
  });

  it("shows the uploader by name with mine: true to the uploader, and never the uploader's sub", async () => {
    table({ [`${pk}|PHOTO#${PHOTO_ID}`]: { ...photo, uploaderId: TEST_SUB } });
    const body = jsonOf(await invoke());
    expect(body).toMatchObject({ uploaderName: 'ana', mine: true });
    expect(body).not.toHaveProperty('uploaderId');
    expect(body).not.toHaveProperty('objectKeys');
  });

  it('answers 404 for a deleted photo, even while its record is still there', async () => {
    table({ [`${pk}|PHOTO#${PHOTO_ID}`]: { ...photo }, [`${pk}|UPLOAD#${PHOTO_ID}`]: { ...pending, status: 'deleted' } });
    expect((await invoke()).statusCode).toBe(404);
    table({ [`${pk}|UPLOAD#${PHOTO_ID}`]: { ...pending, status: 'deleted' } });
    expect((await invoke()).statusCode).toBe(404);
  });

  it('prefers the photo when both exist', async () => {
    table({ [`${pk}|PHOTO#${PHOTO_ID}`]: { ...photo }, [`${pk}|UPLOAD#${PHOTO_ID}`]: { ...pending } });
    expect(jsonOf(await invoke()).status).toBe('ready');
  });

  it('returns 404 naming photoId when neither exists', async () => {
    table({});
    const result = await invoke();
    expect(result.statusCode).toBe(404);
    const { error } = jsonOf(result);
    expect(error.code).toBe('NotFound');
    expect(error.field).toBe('photoId');
    expect(error.message).toContain(PHOTO_ID);
  });

  it('does not find a photo of another event', async () => {
    table({ [`EVENT#other|PHOTO#${PHOTO_ID}`]: { ...photo, eventId: 'other' } });
    expect((await invoke()).statusCode).toBe(404);
  });

  it.each([
    ['photoId', { eventId: EVENT_ID, photoId: 'not-a-uuid' }],
    ['photoId', { eventId: EVENT_ID, photoId: PHOTO_ID.toUpperCase() }],
    ['photoId', { eventId: EVENT_ID, photoId: `../${PHOTO_ID}` }],
    ['photoId', { eventId: EVENT_ID }],
    ['eventId', { eventId: '..', photoId: PHOTO_ID }],
    ['eventId', { eventId: 'a/b', photoId: PHOTO_ID }],
  ])('returns 400 on field %s for %j', async (field, pathParameters) => {
    const result = await invoke(pathParameters);
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe(field);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });
});
