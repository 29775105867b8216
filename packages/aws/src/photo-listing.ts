import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FEED_SETTLE_MS, type Photo, type PhotoList, type PhotoLister, type PhotoListRequest } from '@event-photos/core';
import { BatchedGets } from '#lib/batched-gets';
import { READY_INDEX, UPLOADER_INDEX, isReady, photoOfItem } from '#lib/photo-items';
import { CHANGE_SK_PREFIX, eventPk, photoSk } from '#lib/table-keys';
import { decodeFeedCursor, decodePhotoCursor, encodeFeedCursor, encodePhotoCursor, endOfMillisecond, type FeedCursor } from '#lib/cursors';

// Lists through the two local indexes of the event's partition (see photo-items.ts); the feed also
// reads the partition's change records (edits and deletes) by their sort key.

/**
 * How many items one request may examine when a filter (q) skips some: a search reads at most this
 * many, then answers what it found with a cursor to go on, so no request grows with the event.
 */
export const SEARCH_BUDGET = 2000;
const QUERY_BATCH = 500;
/** Most photos a feed cursor lists as delivered (what FEED_SETTLE_MS holds at 150 photos/s; it stays under 8 KB). */
const MAX_SEEN = 300;
/** Most edits and deletes one feed answer reads (a batch delete makes 100 at once); the next answer goes on from there. */
const MAX_CHANGES = 500;

/**
 * Keeps a feed cursor within MAX_SEEN delivered photos by moving its watermark up to the oldest
 * ones. Only an event past 150 photos/s gets there, and only then could a write that lagged be missed.
 */
function bounded({ watermark, seen }: FeedCursor): FeedCursor {
  if (seen.length <= MAX_SEEN) return { watermark, seen };
  const sorted = seen.toSorted();
  return { watermark: sorted[sorted.length - MAX_SEEN - 1]!, seen: sorted.slice(-MAX_SEEN) };
}

interface Scan {
  /** Inclusive bounds of the ready key (the uploader's prefix is added when listing by uploader). */
  low: string;
  high: string;
  forward: boolean;
  /** Ready keys never to return: an exclusive bound, and what a feed already delivered. */
  skip: Set<string>;
  limit: number;
}

export class PhotoListing implements PhotoLister {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Newest ready first (`cursor` pages back), or with `since` what became ready after the answer
   * that gave it, oldest first. A first page's feed starts at its watermark W (now -
   * FEED_SETTLE_MS: every write lands within that of its ready time, so nothing new can still
   * appear at or below W) and skips what is above W but already visible, on the page or below it
   * (later pages bring those). So a gallery that pages and follows the feed misses nothing, and
   * gets nothing twice unless a write lagged behind a burst that filled the first page. A feed
   * answer also tells of the edits and deletes made since (`changed`, `removed`).
   */
  async listPhotos(eventId: string, options: PhotoListRequest): Promise<PhotoList> {
    const pk = eventPk(eventId);
    // Read the clock before the query: everything stamped FEED_SETTLE_MS before it is then visible.
    const settled = endOfMillisecond(this.clock() - FEED_SETTLE_MS);
    if (options.since !== undefined) return this.feed(pk, options, options.since, settled);
    const after = options.cursor === undefined ? undefined : decodePhotoCursor(options.cursor);
    const { matches, examinedUpTo } = await this.scan(pk, options, {
      low: '0',
      high: after ?? '~',
      forward: false,
      skip: new Set(after === undefined ? [] : [after]),
      limit: options.limit,
    });
    const items = matches.map(({ photo }) => photo);
    const nextCursor = examinedUpTo === undefined ? null : encodePhotoCursor(examinedUpTo);
    if (after !== undefined) return { items, nextCursor, feedCursor: null };
    const seen = matches.map(({ key }) => key).filter((key) => key > settled);
    if (examinedUpTo !== undefined && examinedUpTo > settled) {
      // A burst filled the page with photos younger than W: the ones below it are visible too.
      const below = await this.scan(pk, options, {
        low: settled,
        high: examinedUpTo,
        forward: false,
        skip: new Set([examinedUpTo]),
        limit: MAX_SEEN,
      });
      seen.push(...below.matches.map(({ key }) => key));
    }
    return { items, nextCursor, feedCursor: encodeFeedCursor(bounded({ watermark: settled, seen })) };
  }

  /**
   * What became ready above the cursor's watermark (skipping what it delivered), and the edits and
   * deletes made since the watermark's millisecond. Changes are read from there again until the
   * watermark moves past them (FEED_SETTLE_MS, as photos): one may come twice, none is missed.
   */
  private async feed(pk: string, options: PhotoListRequest, since: string, settled: string): Promise<PhotoList> {
    const { watermark, seen } = decodeFeedCursor(since);
    const [{ matches, examinedUpTo }, changes] = await Promise.all([
      this.scan(pk, options, {
        low: watermark,
        high: '~',
        forward: true,
        skip: new Set([watermark, ...seen]),
        limit: options.limit,
      }),
      this.changesSince(pk, watermark),
    ]);
    // Move past what is settled, and never past what this answer has not examined yet.
    const bound = examinedUpTo !== undefined && examinedUpTo < settled ? examinedUpTo : settled;
    let next = bound > watermark ? bound : watermark; // strings: Math.max does not apply
    if (changes.resumeAt !== undefined && changes.resumeAt < next) next = changes.resumeAt;
    const delivered = [...seen, ...matches.map(({ key }) => key)].filter((key) => key > next);
    const items = matches.map(({ photo }) => photo);
    return {
      items,
      nextCursor: null,
      feedCursor: encodeFeedCursor(bounded({ watermark: next, seen: delivered })),
      ...(await this.changedAndRemoved(pk, changes.items, options.uploaderId, items)),
    };
  }

  /**
   * The change records (photo-items.ts changeItem) from the start of the watermark's millisecond,
   * oldest first, at most MAX_CHANGES. `resumeAt`, when there were more: the watermark that reads
   * the rest next time (the end of the millisecond before the last one read, which is read again).
   */
  private async changesSince(pk: string, watermark: string): Promise<{ items: Record<string, unknown>[]; resumeAt?: string }> {
    const from = watermark.slice(0, watermark.indexOf('#'));
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':pk': pk, ':low': `${CHANGE_SK_PREFIX}${from}`, ':high': `${CHANGE_SK_PREFIX}~` },
        ConsistentRead: true,
        Limit: MAX_CHANGES,
      }),
    );
    const items = result.Items ?? [];
    if (result.LastEvaluatedKey === undefined || items.length === 0) return { items };
    const lastMs = Date.parse(items.at(-1)!['changedAt'] as string);
    const resumeAt = endOfMillisecond(lastMs - 1);
    // More than MAX_CHANGES in the watermark's own millisecond: go on past them rather than stop.
    return { items, resumeAt: resumeAt > watermark ? resumeAt : endOfMillisecond(lastMs) };
  }

  /**
   * The photos edited (read again, consistent: as they are now; not those deleted since, nor those
   * this answer lists as new) and the ids of those deleted, of `uploaderId` when given.
   */
  private async changedAndRemoved(
    pk: string,
    changes: Record<string, unknown>[],
    uploaderId: string | undefined,
    fresh: Photo[],
  ): Promise<{ changed: Photo[]; removed: string[] }> {
    const removed = new Set(
      changes
        .filter((change) => change['change'] === 'removed' && (uploaderId === undefined || change['uploaderId'] === uploaderId))
        .map((change) => change['photoId'] as string),
    );
    const listed = new Set(fresh.map((photo) => photo.photoId));
    const edited = new Set(
      changes
        .filter((change) => change['change'] === 'edited')
        .map((change) => change['photoId'] as string)
        .filter((photoId) => !removed.has(photoId) && !listed.has(photoId)),
    );
    const gets = new BatchedGets(this.db, this.tableName);
    const items = await Promise.all([...edited].map((photoId) => gets.get({ pk, sk: photoSk(photoId) })));
    const changed = items
      .filter((item): item is Record<string, unknown> => item !== undefined && isReady(item))
      .map(photoOfItem)
      .filter((photo) => uploaderId === undefined || photo.uploaderId === uploaderId);
    return { changed, removed: [...removed] };
  }

  /**
   * Reads the index between the bounds until `limit` photos match or SEARCH_BUDGET items were
   * examined. `examinedUpTo` is the ready key to go on after, or undefined when the range is done.
   */
  private async scan(
    pk: string,
    filter: PhotoListRequest,
    range: Scan,
  ): Promise<{ matches: { key: string; photo: Photo }[]; examinedUpTo: string | undefined }> {
    const prefix = filter.uploaderId === undefined ? '' : `${filter.uploaderId}#`;
    const matches: { key: string; photo: Photo }[] = [];
    let examined = 0;
    let startKey: Record<string, unknown> | undefined;
    for (;;) {
      const wanted = range.limit - matches.length + range.skip.size;
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: filter.uploaderId === undefined ? READY_INDEX : UPLOADER_INDEX,
          KeyConditionExpression: 'pk = :pk AND #key BETWEEN :low AND :high',
          ExpressionAttributeNames: { '#key': filter.uploaderId === undefined ? 'readyKey' : 'uploaderKey' },
          ExpressionAttributeValues: {
            ':pk': pk,
            ':low': prefix + range.low,
            ':high': prefix + range.high,
            ...(filter.q === undefined ? {} : { ':q': filter.q }),
          },
          ...(filter.q === undefined ? {} : { FilterExpression: 'contains(titleFold, :q) OR contains(descriptionFold, :q)' }),
          ScanIndexForward: range.forward,
          ConsistentRead: true,
          Limit: Math.min(SEARCH_BUDGET - examined, filter.q === undefined ? wanted : Math.max(wanted, QUERY_BATCH)),
          ExclusiveStartKey: startKey,
        }),
      );
      examined += result.ScannedCount ?? 0;
      const items = result.Items ?? [];
      startKey = result.LastEvaluatedKey;
      for (const [index, item] of items.entries()) {
        const key = item['readyKey'] as string;
        if (range.skip.has(key)) continue;
        matches.push({ key, photo: photoOfItem(item) });
        // Cut here: whatever this batch read past the cut is read again by the next request.
        const rangeDone = index === items.length - 1 && startKey === undefined;
        if (matches.length === range.limit) return { matches, examinedUpTo: rangeDone ? undefined : key };
      }
      if (startKey === undefined) return { matches, examinedUpTo: undefined };
      // The index's own sort key: readyKey, or on byUploader the uploader's prefix and then it.
      if (examined >= SEARCH_BUDGET)
        return {
          matches,
          examinedUpTo: prefix ? (startKey['uploaderKey'] as string).slice(prefix.length) : (startKey['readyKey'] as string),
        };
    }
  }
}
