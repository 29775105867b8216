import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { FEED_SETTLE_MS, ValidationError, type Photo } from '@event-photos/core';
import { photoRecord } from '@event-photos/testing/fixtures';
import { PhotoListing, SEARCH_BUDGET } from '#lib/photo-listing';
import { READY_INDEX, UPLOADER_INDEX, listingAttributes } from '#lib/photo-items';
import { decodeFeedCursor, decodePhotoCursor, endOfMillisecond } from '#lib/cursors';

// What the listing asks DynamoDB; photo-listing-adapter.integration.test.ts runs it against dynalite.
const ddb = mockClient(DynamoDBDocumentClient);
const NOW = Date.parse('2026-05-01T10:00:10.000Z');
const listing = new PhotoListing(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), 'photos-test', () => NOW);
const EVENT = 'summit-2026';
const PK = `EVENT#${EVENT}`;

const photo = (photoId: string, createdAt: string): Photo => photoRecord({ photoId, eventId: EVENT, uploaderId: 'user-1', createdAt });
const item = (value: Photo) => ({ pk: PK, sk: `PHOTO#${value.photoId}`, ...value, ...listingAttributes(value) });
const SETTLED = endOfMillisecond(NOW - FEED_SETTLE_MS);
const OLD = photo('01890a5d-0000-7000-8000-000000000001', '2026-05-01T09:00:00.000Z');
const RECENT = photo('01890a5d-0000-7000-8000-000000000002', '2026-05-01T10:00:09.500Z');

beforeEach(() => ddb.reset());
const queries = () => ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);

describe('first page', () => {
  it('reads the ready-time index newest first, strongly consistent, and strips listing attributes', async () => {
    ddb.on(QueryCommand).resolves({ Items: [item(RECENT), item(OLD)], ScannedCount: 2 });
    const page = await listing.listPhotos(EVENT, { limit: 10 });
    expect(page.items).toEqual([RECENT, OLD]);
    expect(page.nextCursor).toBeNull();
    expect(queries()).toEqual([
      expect.objectContaining({
        IndexName: READY_INDEX,
        KeyConditionExpression: 'pk = :pk AND #key BETWEEN :low AND :high',
        ExpressionAttributeNames: { '#key': 'readyKey' },
        ExpressionAttributeValues: { ':pk': PK, ':low': '0', ':high': '~' },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: 10,
      }),
    ]);
    // The feed starts at what is settled, and already holds the photo younger than that.
    expect(decodeFeedCursor(page.feedCursor!)).toEqual({ watermark: SETTLED, seen: [listingAttributes(RECENT).readyKey] });
  });

  it("reads one uploader's index for uploader=me, and filters on the folded texts for q", async () => {
    ddb.on(QueryCommand).resolves({ Items: [], ScannedCount: 0 });
    await listing.listPhotos(EVENT, { limit: 5, uploaderId: 'user-1', q: 'straße' });
    expect(queries()[0]).toEqual(
      expect.objectContaining({
        IndexName: UPLOADER_INDEX,
        ExpressionAttributeNames: { '#key': 'uploaderKey' },
        ExpressionAttributeValues: { ':pk': PK, ':low': 'user-1#0', ':high': 'user-1#~', ':q': 'straße' },
        FilterExpression: 'contains(titleFold, :q) OR contains(descriptionFold, :q)',
      }),
    );
  });

  it('goes on to the next page below the last photo it returned', async () => {
    ddb.on(QueryCommand).resolves({ Items: [item(OLD)], ScannedCount: 1, LastEvaluatedKey: { pk: PK, sk: 'x', readyKey: 'y' } });
    const page = await listing.listPhotos(EVENT, { limit: 1 });
    expect(decodePhotoCursor(page.nextCursor!)).toEqual(listingAttributes(OLD).readyKey);

    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [item(OLD)], ScannedCount: 1 });
    const next = await listing.listPhotos(EVENT, { limit: 1, cursor: page.nextCursor! });
    // The bound is inclusive, so the photo it starts below is skipped, and asked for once more.
    expect(next.items).toEqual([]);
    expect(next.feedCursor).toBeNull();
    expect(queries()[0]).toEqual(
      expect.objectContaining({
        ExpressionAttributeValues: { ':pk': PK, ':low': '0', ':high': listingAttributes(OLD).readyKey },
        Limit: 2,
      }),
    );
  });

  it('lists as delivered, in its feed cursor, the young photos below a page that a burst filled', async () => {
    const NEWEST = photo('01890a5d-0000-7000-8000-000000000003', '2026-05-01T10:00:09.900Z');
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [item(NEWEST)], ScannedCount: 1, LastEvaluatedKey: { pk: PK, sk: 'x', readyKey: 'y' } })
      .resolvesOnce({ Items: [item(RECENT)], ScannedCount: 1 });
    const page = await listing.listPhotos(EVENT, { limit: 1 });
    expect(page.items).toEqual([NEWEST]);
    expect(queries()[1]).toEqual(
      expect.objectContaining({ ExpressionAttributeValues: { ':pk': PK, ':low': SETTLED, ':high': listingAttributes(NEWEST).readyKey } }),
    );
    expect(decodeFeedCursor(page.feedCursor!).seen).toEqual([listingAttributes(NEWEST).readyKey, listingAttributes(RECENT).readyKey]);
  });
});

describe('a search that reaches its read budget', () => {
  it.each([
    ['the whole event', {}, { readyKey: listingAttributes(OLD).readyKey }],
    ['one uploader', { uploaderId: 'user-1' }, { uploaderKey: listingAttributes(OLD).uploaderKey }],
  ])('goes on, in %s, below the last photo it examined', async (_name, filter, lastKey) => {
    ddb
      .on(QueryCommand)
      .resolves({ Items: [], ScannedCount: SEARCH_BUDGET, LastEvaluatedKey: { pk: PK, sk: `PHOTO#${OLD.photoId}`, ...lastKey } });
    const page = await listing.listPhotos(EVENT, { limit: 10, q: 'needle', ...filter });
    expect(page.items).toEqual([]);
    expect(decodePhotoCursor(page.nextCursor!)).toBe(listingAttributes(OLD).readyKey);
    expect(queries()).toHaveLength(1);
  });
});

describe('feed', () => {
  const CHANGES = { KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high' };
  const change = (photoId: string, kind: 'edited' | 'removed', changedAt: string, uploaderId?: string) => ({
    pk: PK,
    sk: `CHANGE#${changedAt}#${photoId}`,
    photoId,
    change: kind,
    changedAt,
    ...(uploaderId ? { uploaderId } : {}),
  });
  const firstCursor = async () => {
    ddb.on(QueryCommand).resolves({ Items: [item(RECENT)], ScannedCount: 1 });
    const first = await listing.listPhotos(EVENT, { limit: 10 });
    ddb.reset();
    return first.feedCursor!;
  };

  it('reads oldest first above the watermark, skipping what it delivered', async () => {
    const since = await firstCursor();
    ddb.on(QueryCommand, { IndexName: READY_INDEX }).resolves({ Items: [item(RECENT)], ScannedCount: 1 });
    ddb.on(QueryCommand, CHANGES).resolves({ Items: [] });
    const feed = await listing.listPhotos(EVENT, { limit: 10, since });
    expect(feed).toEqual({ items: [], nextCursor: null, feedCursor: since, changed: [], removed: [] });
    expect(queries()[0]).toEqual(
      expect.objectContaining({
        ScanIndexForward: true,
        ConsistentRead: true,
        ExpressionAttributeValues: { ':pk': PK, ':low': SETTLED, ':high': '~' },
      }),
    );
  });

  it("reads the edits and deletes from the watermark's millisecond on, and the edited photos as they are now", async () => {
    const since = await firstCursor();
    const EDITED = photo('01890a5d-0000-7000-8000-00000000000e', '2026-05-01T08:00:00.000Z');
    const GONE = '01890a5d-0000-7000-8000-00000000000d';
    ddb.on(QueryCommand, { IndexName: READY_INDEX }).resolves({ Items: [], ScannedCount: 0 });
    ddb.on(QueryCommand, CHANGES).resolves({
      Items: [
        change(EDITED.photoId, 'edited', '2026-05-01T10:00:08.500Z'),
        change(GONE, 'edited', '2026-05-01T10:00:08.600Z'),
        change(GONE, 'removed', '2026-05-01T10:00:08.700Z', 'user-1'),
        change(EDITED.photoId, 'edited', '2026-05-01T10:00:09.000Z'),
      ],
    });
    ddb.on(GetCommand).resolves({ Item: { ...item(EDITED), title: 'Now' } });
    const feed = await listing.listPhotos(EVENT, { limit: 10, since });
    expect(feed.changed).toEqual([{ ...EDITED, title: 'Now' }]);
    expect(feed.removed).toEqual([GONE]);
    expect(ddb.commandCalls(QueryCommand, CHANGES)[0]!.args[0].input).toEqual({
      TableName: 'photos-test',
      ...CHANGES,
      ExpressionAttributeValues: { ':pk': PK, ':low': `CHANGE#${SETTLED.slice(0, -2)}`, ':high': 'CHANGE#~' },
      ConsistentRead: true,
      Limit: 500,
    });
    // Each edited photo read once, consistent; the deleted one not at all.
    expect(ddb.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: 'photos-test', Key: { pk: PK, sk: `PHOTO#${EDITED.photoId}` }, ConsistentRead: true },
    ]);
  });

  it("keeps to one uploader's edits and deletes for uploaderId", async () => {
    const since = await firstCursor();
    const THEIRS = photoRecord({ photoId: '01890a5d-0000-7000-8000-00000000000f', eventId: EVENT, uploaderId: 'user-2' });
    ddb.on(QueryCommand).resolves({ Items: [], ScannedCount: 0 });
    ddb.on(QueryCommand, CHANGES).resolves({
      Items: [
        change(THEIRS.photoId, 'edited', '2026-05-01T10:00:09.000Z'),
        change('01890a5d-0000-7000-8000-00000000000a', 'removed', '2026-05-01T10:00:09.000Z', 'user-2'),
        change('01890a5d-0000-7000-8000-00000000000b', 'removed', '2026-05-01T10:00:09.000Z', 'user-1'),
      ],
    });
    ddb.on(GetCommand).resolves({ Item: item(THEIRS) });
    const feed = await listing.listPhotos(EVENT, { limit: 10, since, uploaderId: 'user-1' });
    expect(feed.changed).toEqual([]);
    expect(feed.removed).toEqual(['01890a5d-0000-7000-8000-00000000000b']);
  });

  it('goes on next time from the millisecond before the last change it read, when there were more', async () => {
    const since = await firstCursor();
    ddb.on(QueryCommand, { IndexName: READY_INDEX }).resolves({ Items: [], ScannedCount: 0 });
    ddb.on(QueryCommand, CHANGES).resolves({
      Items: [change('01890a5d-0000-7000-8000-00000000000a', 'removed', '2026-05-01T10:00:08.100Z', 'user-1')],
      LastEvaluatedKey: { pk: PK, sk: 'CHANGE#x' },
    });
    // Five seconds later: without more changes, the watermark would move to NOW + 3 s.
    const later = new PhotoListing(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
      'photos-test',
      () => NOW + 5000,
    );
    const feed = await later.listPhotos(EVENT, { limit: 10, since });
    expect(decodeFeedCursor(feed.feedCursor!).watermark).toBe(endOfMillisecond(Date.parse('2026-05-01T10:00:08.099Z')));
  });
});

describe('refused cursors', () => {
  it.each([
    ['cursor', 'garbage'],
    ['cursor', Buffer.from(JSON.stringify({ v: 1, after: OLD.photoId })).toString('base64url')],
    ['cursor', Buffer.from(JSON.stringify({ v: 2, after: '../../x' })).toString('base64url')],
    ['cursor', Buffer.from(JSON.stringify({ v: 2, after: SETTLED })).toString('base64url')],
    ['since', 'garbage'],
    ['since', ''],
    ['since', Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]).toString('base64url')],
    ['since', Buffer.from([1, 0, 0, 0, 0, 0, 0, 7]).toString('base64url')],
    ['since', Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]).toString('base64url')],
  ])('answers a ValidationError on %s for %j, without querying', async (field, value) => {
    const error = await listing.listPhotos(EVENT, { limit: 1, [field]: value }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(queries()).toHaveLength(0);
  });
});
