import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { photoView, type Photo } from '@event-photos/core';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext } from '../test-support/events';
import { handler } from './list-photos';

const ddb = mockClient(DynamoDBDocumentClient);
const EVENT_ID = 'summit-2026';
const NEWER = '01890a5d-ac96-774b-bcce-b302099a8057';
const OLDER = '01890a5d-0000-7000-8000-000000000001';

const photo = (photoId: string): Photo => ({
  photoId,
  eventId: EVENT_ID,
  title: `Photo ${photoId.slice(-4)}`,
  description: '',
  contentType: 'image/jpeg',
  size: 1234,
  sha256: 'ab'.repeat(32),
  url: `https://d111111abcdef8.cloudfront.net/uploads/event_${EVENT_ID}/${photoId}.jpg`,
  uploaderId: 'user-1',
  uploaderName: 'ana',
  objectKeys: [`uploads/event_${EVENT_ID}/${photoId}.jpg`],
  createdAt: '2026-05-01T10:00:00.000Z',
});
/** What callers see: the uploader by name, `mine`, no `sub` and no object keys. */
const view = (photoId: string) => photoView(photo(photoId), TEST_SUB);
const item = (photoId: string) => ({ pk: `EVENT#${EVENT_ID}`, sk: `PHOTO#${photoId}`, ...photo(photoId), readyKey: `2026-05-01T10:00:00.000Z#${photoId}` });

function invoke(query?: Record<string, string>, eventId = EVENT_ID) {
  return handler(
    httpEvent({
      path: `/events/${eventId}/photos`,
      pathParameters: { eventId },
      ...(query ? { queryStringParameters: query } : {}),
    }),
    lambdaContext(),
  );
}

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({ Item: { pk: `EVENT#${EVENT_ID}`, sk: 'EVENT', eventId: EVENT_ID, name: 'Summit' } });
  ddb.on(QueryCommand).resolves({ Items: [] });
});

describe('list-photos', () => {
  it('returns the page of photos, without table keys, with the default limit', async () => {
    ddb.on(QueryCommand).resolves({ Items: [item(NEWER), item(OLDER)] });
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({ items: [view(NEWER), view(OLDER)], nextCursor: null, feedCursor: expect.any(String) });

    const input = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(input.Limit).toBe(50);
    expect(input.ScanIndexForward).toBe(false);
  });

  it("passes q folded for search, and uploader=me as the caller's own id", async () => {
    await invoke({ q: '  STRAẞE ', uploader: 'me' });
    const input = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(input.ExpressionAttributeValues).toMatchObject({ ':q': 'strasse', ':low': `${TEST_SUB}#0` });
  });

  it('answers a feed (since=) with no next page and the next feed cursor', async () => {
    const first = jsonOf(await invoke());
    ddb.on(QueryCommand).resolves({ Items: [item(NEWER)] });
    const feed = jsonOf(await invoke({ since: first.feedCursor }));
    expect(feed).toEqual({ items: [view(NEWER)], nextCursor: null, feedCursor: expect.any(String) });
    expect(ddb.commandCalls(QueryCommand)[1]!.args[0].input.ScanIndexForward).toBe(true);
  });

  it.each([
    [{ q: '' }, 'q', 'q must not be empty'],
    [{ q: 'x'.repeat(101) }, 'q', 'q must be at most 100 characters'],
    [{ uploader: 'someone' }, 'uploader', 'uploader must be "me" (only your own photos)'],
    [{ cursor: 'a', since: 'b' }, 'cursor', 'cursor cannot be combined with since'],
    [{ since: 'not-a-cursor' }, 'since', 'since is not a valid feed cursor'],
  ])('rejects %j with 400 on field %s', async (query, field, message) => {
    const result = await invoke(query);
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error).toMatchObject({ field, message });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it("shows the uploader's name, never its sub, and marks the caller's own photos", async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ ...item(NEWER), uploaderId: TEST_SUB }, item(OLDER)] });
    const { items } = jsonOf(await invoke());
    expect(items.map((photo: { mine: boolean }) => photo.mine)).toEqual([true, false]);
    for (const photo of items) {
      expect(photo.uploaderName).toBe('ana');
      expect(photo).not.toHaveProperty('uploaderId');
      expect(photo).not.toHaveProperty('objectKeys');
    }
  });

  it('passes the limit and pages with the cursor it returned', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [item(NEWER)], LastEvaluatedKey: { pk: `EVENT#${EVENT_ID}`, sk: `PHOTO#${NEWER}` } })
      .resolvesOnce({ Items: [item(OLDER)] });

    const first = jsonOf(await invoke({ limit: '1' }));
    expect(first.items).toEqual([view(NEWER)]);
    expect(typeof first.nextCursor).toBe('string');
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input.Limit).toBe(1);

    const second = await invoke({ limit: '1', cursor: first.nextCursor });
    expect(second.statusCode).toBe(200);
    expect(jsonOf(second)).toEqual({ items: [view(OLDER)], nextCursor: null, feedCursor: null });
  });

  it('accepts limits 1 and 100', async () => {
    expect((await invoke({ limit: '1' })).statusCode).toBe(200);
    expect((await invoke({ limit: '100' })).statusCode).toBe(200);
    expect(ddb.commandCalls(QueryCommand).map((call) => call.args[0].input.Limit)).toEqual([1, 100]);
  });

  it('returns 404 naming the eventId when the event does not exist', async () => {
    ddb.on(GetCommand).resolves({});
    const result = await invoke();
    expect(result.statusCode).toBe(404);
    const { error } = jsonOf(result);
    expect(error.field).toBe('eventId');
    expect(error.message).toContain(EVENT_ID);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it.each(['0', '101', 'abc', '1.5', '-1', ''])('rejects limit %j with 400 on field limit', async (limit) => {
    const result = await invoke({ limit });
    expect(result.statusCode).toBe(400);
    const { error } = jsonOf(result);
    expect(error.code).toBe('ValidationError');
    expect(error.field).toBe('limit');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('says what is wrong with a non-numeric limit instead of calling it missing', async () => {
    expect(jsonOf(await invoke({ limit: 'abc' })).error.message).toBe('limit must be a number');
  });

  it.each([
    'garbage',
    Buffer.from(JSON.stringify({ v: 2, after: 'x', upTo: 'y' })).toString('base64url'),
    'a'.repeat(2049),
  ])('rejects the cursor %j with 400 on field cursor', async (cursor) => {
    const result = await invoke({ cursor });
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe('cursor');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('rejects an unknown query parameter', async () => {
    const result = await invoke({ offset: '10' });
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe('offset');
  });

  it('rejects an unsafe eventId with 400', async () => {
    const result = await invoke(undefined, '..');
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe('eventId');
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('answers a DynamoDB failure with a generic 500', async () => {
    ddb.on(QueryCommand).rejects(new Error('ProvisionedThroughputExceeded on photos-test'));
    const result = await invoke();
    expect(result.statusCode).toBe(500);
    expect(jsonOf(result)).toEqual({ error: { code: 'InternalError', message: 'Internal server error' } });
  });
});
