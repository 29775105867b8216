import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchedGets } from '#lib/batched-gets';
import { unlessConditionFails } from '#lib/conditional-write';
import { EVENT_SK, eventPk, hashSk, photoSk, quotaSk, quotaTotalSk, uploadSk } from '#lib/table-keys';
import { listingAttributes, photoOfItem } from '#lib/photo-items';
import { decodeEventCursor, encodeEventCursor } from '#lib/cursors';
import {
  foldForSearch,
  quotaWindow,
  type QuotaReservation,
  type StoredPhotoCount,
  type StoredTotals,
  type UploadQuotas,
  type EditPhotoRequest,
  type HashClaim,
  type Page,
  type PageRequest,
  type PendingUpload,
  type Photo,
  type PhotoEvent,
  type PhotoStore,
  type UpdateEventRequest,
} from '@event-photos/core';

// Single table. Everything of an event shares one partition:
//   pk EVENT#{eventId}  sk EVENT             the event
//   pk EVENT#{eventId}  sk UPLOAD#{photoId}  an upload that was initiated (kept until its TTL)
//   pk EVENT#{eventId}  sk PHOTO#{photoId}   a processed photo (listed by ready time: see photo-listing.ts)
//   pk EVENT#{eventId}  sk HASH#{sha256}     the claim of the one photo of the event with these bytes
// Events live in partitions of their own, so listing them needs an index: every event item also
// carries gsi1pk EVENTS / gsi1sk {createdAt}#{eventId} (index gsi1, newest first in reverse).
// One index partition for all events is fine at the rate events are created (a few a day).
export const EVENTS_INDEX = 'gsi1';
const EVENTS_GSI_PK = 'EVENTS';
const eventIndexKeys = (event: { eventId: string; createdAt: string }) => ({
  gsi1pk: EVENTS_GSI_PK,
  gsi1sk: `${event.createdAt}#${event.eventId}`,
});
/**
 * Initiated uploads are kept 30 days after their URL expires: processing needs the record, and a
 * failed S3 event may wait up to 14 days in the failure queue before it is reconciled.
 */
export const PENDING_RETENTION_SECONDS = 30 * 24 * 3600;

type Keys = { pk: string; sk: string };
type IndexKeys = { gsi1pk?: string; gsi1sk?: string };

/** PhotoStore on the single table (the promises of each method are in @event-photos/core's photo-store.ts). */
export class PhotoRepository implements PhotoStore {
  /** The reads a handler starts together share one round trip. */
  private readonly gets: BatchedGets;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.gets = new BatchedGets(db, tableName);
  }

  async getEvent(eventId: string): Promise<PhotoEvent | null> {
    const event = await this.get<PhotoEvent & IndexKeys>({ pk: eventPk(eventId), sk: EVENT_SK });
    return event && toEvent(event);
  }

  /** Creates the event; false when it already exists (nothing is overwritten). */
  async createEvent(event: PhotoEvent): Promise<boolean> {
    return this.putIfAbsent({ pk: eventPk(event.eventId), sk: EVENT_SK, ...eventIndexKeys(event), ...event });
  }

  /** Every event, newest first. The cursor is the opaque form of the last event's index key. */
  async listEvents({ limit, cursor }: PageRequest): Promise<Page<PhotoEvent>> {
    const after = cursor === undefined ? undefined : decodeEventCursor(cursor);
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: EVENTS_INDEX,
        KeyConditionExpression: 'gsi1pk = :events',
        ExpressionAttributeValues: { ':events': EVENTS_GSI_PK },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: after && { pk: eventPk(after.eventId), sk: EVENT_SK, ...eventIndexKeys(after) },
      }),
    );
    const items = (result.Items ?? []).map((item) => toEvent(item as PhotoEvent & Keys & IndexKeys));
    const last = result.LastEvaluatedKey?.['gsi1sk'] as string | undefined;
    return { items, nextCursor: last ? encodeEventCursor(last) : null };
  }

  /**
   * The number of processed photos of an event, counted when asked: a COUNT Query over the PHOTO#
   * range (DynamoDB pages it by 1 MB read, about a thousand photos). Exact, and nothing to keep in
   * step on the write path; a counter updated after each photo write would be O(1) to read, but
   * S3 events are at least once and dynalite has no transactions, so it could drift.
   */
  async countPhotos(eventId: string): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :photo)',
          ExpressionAttributeValues: { ':pk': eventPk(eventId), ':photo': 'PHOTO#' },
          Select: 'COUNT',
          ExclusiveStartKey: startKey,
        }),
      );
      count += result.Count ?? 0;
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  /**
   * Changes the given fields of the event, only while `organizerId` organizes it. Returns the
   * event as written, or null when the event is gone or is someone else's.
   */
  async updateEvent(eventId: string, organizerId: string, changes: UpdateEventRequest): Promise<PhotoEvent | null> {
    const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
    const result = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: EVENT_SK },
          UpdateExpression: `SET ${fields.map((_, index) => `#f${index} = :f${index}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND organizerId = :organizer',
          ExpressionAttributeNames: Object.fromEntries(fields.map(([name], index) => [`#f${index}`, name])),
          ExpressionAttributeValues: {
            ':organizer': organizerId,
            ...Object.fromEntries(fields.map(([, value], index) => [`:f${index}`, value])),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return result ? toEvent(result.Attributes as PhotoEvent & Keys & IndexKeys) : null;
  }

  async savePendingUpload(upload: PendingUpload): Promise<void> {
    const ttl = Math.floor(Date.parse(upload.expiresAt) / 1000) + PENDING_RETENTION_SECONDS;
    const created = await this.putIfAbsent({ pk: eventPk(upload.eventId), sk: uploadSk(upload.photoId), ttl, ...upload });
    // photoIds are random UUIDv7s: a collision means a bug, never a reason to overwrite.
    if (!created) throw new Error(`Upload ${upload.photoId} already exists`);
  }

  async getPendingUpload(eventId: string, photoId: string): Promise<PendingUpload | null> {
    return this.get<PendingUpload>({ pk: eventPk(eventId), sk: uploadSk(photoId) });
  }

  /**
   * Marks an upload rejected, with a reason its uploader can read. Never touches a processed photo,
   * nor an upload a user deleted.
   */
  async rejectUpload(eventId: string, photoId: string, reason: string, now = new Date()): Promise<void> {
    await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: uploadSk(photoId) },
          UpdateExpression: 'SET #status = :rejected, rejectionReason = :reason, rejectedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#status) OR #status <> :deleted)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':rejected': 'rejected', ':reason': reason, ':now': now.toISOString(), ':deleted': 'deleted' },
        }),
      ),
    );
  }

  async reserveUpload(
    eventId: string,
    uploaderId: string,
    bytes: number,
    quotas: UploadQuotas,
    now = new Date(),
  ): Promise<QuotaReservation> {
    const { start, secondsLeft } = quotaWindow(now);
    // Kept an hour past their window, then DynamoDB's TTL removes them.
    const ttl = Math.floor(Date.parse(start) / 1000) + 2 * 3600;
    const full = await this.countInto(eventId, bytes, ttl, [
      { scope: 'user', sk: quotaSk(`USER#${uploaderId}`, start), uploads: quotas.userUploadsPerHour, bytes: quotas.userBytesPerHour },
      { scope: 'event', sk: quotaSk('EVENT', start), uploads: quotas.eventUploadsPerHour, bytes: quotas.eventBytesPerHour },
    ]);
    return full ? { reserved: false, scope: full, retryAfterSeconds: secondsLeft } : { reserved: true };
  }

  async countStoredPhoto(eventId: string, uploaderId: string, bytes: number, quotas: UploadQuotas): Promise<StoredPhotoCount> {
    const full = await this.countInto(eventId, bytes, undefined, [
      { scope: 'user', sk: quotaTotalSk(`USER#${uploaderId}`), uploads: quotas.userPhotosTotal, bytes: quotas.userBytesTotal },
      { scope: 'event', sk: quotaTotalSk('EVENT'), uploads: quotas.eventPhotosTotal, bytes: quotas.eventBytesTotal },
    ]);
    return full ? { counted: false, scope: full } : { counted: true };
  }

  async uncountStoredPhoto(eventId: string, uploaderId: string, bytes: number): Promise<void> {
    await Promise.all([quotaTotalSk(`USER#${uploaderId}`), quotaTotalSk('EVENT')].map((sk) => this.giveBack(eventId, sk, bytes)));
  }

  async storedTotals(eventId: string, uploaderId: string): Promise<StoredTotals> {
    const [user, event] = await Promise.all(
      [quotaTotalSk(`USER#${uploaderId}`), quotaTotalSk('EVENT')].map(async (sk) => {
        const item = await this.gets.get({ pk: eventPk(eventId), sk });
        return { photos: Number(item?.['uploads'] ?? 0), bytes: Number(item?.['bytes'] ?? 0) };
      }),
    );
    return { user: user!, event: event! };
  }

  /**
   * Adds one and `bytes` to each counter, each with a condition that it stays within its limits;
   * when one refuses, gives back those that took it and names the full one. `ttl`: when DynamoDB
   * may remove the counters (hourly windows); totals are kept.
   */
  private async countInto(
    eventId: string,
    bytes: number,
    ttl: number | undefined,
    counters: Array<{ scope: 'user' | 'event'; sk: string; uploads: number; bytes: number }>,
  ): Promise<'user' | 'event' | null> {
    const taken: string[] = [];
    for (const counter of counters) {
      const counted =
        bytes <= counter.bytes &&
        (await unlessConditionFails(
          this.db.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk: eventPk(eventId), sk: counter.sk },
              UpdateExpression: `${ttl === undefined ? '' : 'SET #ttl = if_not_exists(#ttl, :ttl) '}ADD uploads :one, bytes :bytes`,
              ConditionExpression:
                '(attribute_not_exists(uploads) OR uploads < :maxUploads) AND (attribute_not_exists(bytes) OR bytes <= :bytesLeft)',
              ...(ttl === undefined ? {} : { ExpressionAttributeNames: { '#ttl': 'ttl' } }),
              ExpressionAttributeValues: {
                ...(ttl === undefined ? {} : { ':ttl': ttl }),
                ':one': 1,
                ':bytes': bytes,
                ':maxUploads': counter.uploads,
                ':bytesLeft': counter.bytes - bytes,
              },
            }),
          ),
        )) !== undefined;
      if (!counted) {
        await Promise.all(taken.map((sk) => this.giveBack(eventId, sk, bytes)));
        return counter.scope;
      }
      taken.push(counter.sk);
    }
    return null;
  }

  private async giveBack(eventId: string, sk: string, bytes: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: eventPk(eventId), sk },
        UpdateExpression: 'ADD uploads :minusOne, bytes :minusBytes',
        ExpressionAttributeValues: { ':minusOne': -1, ':minusBytes': -bytes },
      }),
    );
  }

  /**
   * Writes the photo once. Returns false when it already exists: a redelivered S3 event
   * then changes nothing.
   */
  async savePhoto(photo: Photo): Promise<boolean> {
    return this.putIfAbsent({ pk: eventPk(photo.eventId), sk: photoSk(photo.photoId), ...photo, ...listingAttributes(photo) });
  }

  /**
   * Stamps the photo ready again, at `createdAt`: for a write that took so long that a feed may
   * already have moved past its first stamp (see FEED_SETTLE_MS). False when the photo is gone.
   */
  async restampPhoto(photo: Photo, createdAt: string): Promise<boolean> {
    const { readyKey, uploaderKey } = listingAttributes({ ...photo, createdAt });
    const result = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(photo.eventId), sk: photoSk(photo.photoId) },
          UpdateExpression: 'SET createdAt = :createdAt, readyKey = :readyKey, uploaderKey = :uploaderKey',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':createdAt': createdAt, ':readyKey': readyKey, ':uploaderKey': uploaderKey },
        }),
      ),
    );
    return result !== undefined;
  }

  async getPhoto(eventId: string, photoId: string): Promise<Photo | null> {
    const item = await this.gets.get({ pk: eventPk(eventId), sk: photoSk(photoId) });
    return item ? photoOfItem(item) : null;
  }

  /** Which photo holds these bytes; the writes are in content-claims.ts (only processing and delete bundle them). */
  async getHashClaim(eventId: string, sha256: string): Promise<HashClaim | null> {
    return this.get<HashClaim>({ pk: eventPk(eventId), sk: hashSk(sha256) });
  }

  // ---------------------------------------------------------------- editing and deleting photos

  /** Changes a processed photo's title and/or description (and their searched forms); null when there is no such photo. */
  async updatePhotoText(eventId: string, photoId: string, changes: EditPhotoRequest): Promise<Photo | null> {
    const fields = Object.entries(changes)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .flatMap(([name, value]): [string, string][] => [
        [name, value],
        [`${name}Fold`, foldForSearch(value)],
      ]);
    const result = await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: photoSk(photoId) },
          UpdateExpression: `SET ${fields.map(([name]) => `#${name} = :${name}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(fields.map(([name]) => [`#${name}`, name])),
          ExpressionAttributeValues: Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value])),
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return result ? photoOfItem(result.Attributes!) : null;
  }

  /**
   * Marks the upload deleted, first step of a delete: processing then discards the photo and its
   * object whenever it runs. Creates the marker when the upload record is gone (past its TTL), so
   * a late redelivery or reconcile cannot bring the photo back; the marker expires in turn.
   */
  async markUploadDeleted(eventId: string, photoId: string, uploaderId: string, now = new Date()): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: eventPk(eventId), sk: uploadSk(photoId) },
        UpdateExpression:
          'SET #status = :deleted, deletedAt = if_not_exists(deletedAt, :now), uploaderId = if_not_exists(uploaderId, :uploader), #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':deleted': 'deleted',
          ':now': now.toISOString(),
          ':uploader': uploaderId,
          ':ttl': Math.floor(now.getTime() / 1000) + PENDING_RETENTION_SECONDS,
        },
      }),
    );
  }

  /** Removes the photo record; returns what it held (its object keys), or null if there was none. */
  async deletePhotoRecord(eventId: string, photoId: string): Promise<Photo | null> {
    const result = await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: eventPk(eventId), sk: photoSk(photoId) }, ReturnValues: 'ALL_OLD' }),
    );
    return result.Attributes ? photoOfItem(result.Attributes) : null;
  }

  private async get<T>(key: Keys): Promise<T | null> {
    const found = await this.gets.get(key);
    if (!found) return null;
    const { pk: _pk, sk: _sk, ttl: _ttl, ...item } = found;
    return item as T;
  }

  private async putIfAbsent(item: Keys & Record<string, unknown>): Promise<boolean> {
    const written = await unlessConditionFails(
      this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
    return written !== undefined;
  }
}

function toEvent({ pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...event }: PhotoEvent & Partial<Keys> & IndexKeys): PhotoEvent {
  return event;
}
