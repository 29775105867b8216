import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { BatchedGets } from '#lib/batched-gets';
import { unlessConditionFails } from '#lib/conditional-write';
import { EVENT_SK, eventPk, hashSk, photoSk, quotaSk, quotaTotalSk, uploadSk } from '#lib/table-keys';
import {
  READY_INDEX,
  UPLOADER_INDEX,
  changeItem,
  eventOfItem,
  isReady,
  photoOfItem,
  readyAttributes,
  searchAttributes,
  uploadOfItem,
} from '#lib/photo-items';
import { organizerAccessItem } from '#lib/membership-items';
import { failed, itemOf, setAttributes, transactWrite, type CancellationReason, type TransactAction } from '#lib/transactions';
import {
  foldForSearch,
  quotaWindow,
  type Acceptance,
  type QuotaReservation,
  type StoredTotals,
  type UploadQuotas,
  type EditPhotoRequest,
  type HashClaim,
  type Photo,
  type PhotoEvent,
  type PhotoStore,
  type UpdateEventRequest,
  type Upload,
} from '@event-photos/core';

// Single table. Everything of an event shares one partition:
//   pk EVENT#{eventId}  sk EVENT                      the event
//   pk EVENT#{eventId}  sk UPLOAD#{photoId}           an upload and its status (kept until its TTL)
//   pk EVENT#{eventId}  sk PHOTO#{photoId}            an accepted photo; once ready, listed (see photo-items.ts)
//   pk EVENT#{eventId}  sk HASH#{sha256}              the claim of the one photo of the event with these bytes
//   pk EVENT#{eventId}  sk QUOTA#{scope}#{hour}       uploads and bytes initiated in a clock hour (TTL)
//   pk EVENT#{eventId}  sk QUOTA#{scope}#TOTAL        photos and bytes held; scope EVENT or USER#{sub}
//   pk EVENT#{eventId}  sk MEMBER#{memberId}          who may see the event: its organizer, each member
//   pk EVENT#{eventId}  sk INVITE#{inviteId}          an invite: its code's SHA-256, rights, expiry
//   pk EVENT#{eventId}  sk CHANGE#{at}#{photoId}      an edit or a delete, for the feed (TTL; photo-items.ts)
// and one partition per user: pk USER#{sub} sk JOINS#{window}, the user's join attempts (TTL).
// Each decision of an upload's life is one transaction over these items: reserveUpload (the hour's
// counters and the upload), acceptPhoto (the photo, its claim, the totals and the upload's status),
// deletePhoto (the same, taken back). So no crash, retry or race leaves a count without its photo.
// Members and invites are the MembershipRepository's (membership-repository.ts, which shares this
// class's batched reads); the organizer's access item is written here, with the event (createEvent).
/**
 * Initiated uploads are kept 30 days after their URL expires: processing needs the record, and a
 * failed S3 event may wait up to 14 days in the failure queue before it is reconciled.
 */
export const PENDING_RETENTION_SECONDS = 30 * 24 * 3600;
/** How many times deletePhoto reads the photo again when a write changed it meanwhile. */
const DELETE_ATTEMPTS = 3;
/** How many accepted photos' uploaders an instance remembers, so markPhotoReady needs no read. */
const REMEMBERED_UPLOADERS = 1000;

type Scope = 'user' | 'event';
/** A quota counter item and its limits. */
interface Counter {
  scope: Scope;
  sk: string;
  uploads: number;
  bytes: number;
}

/** PhotoStore on the single table (the promises of each method are in @event-photos/core's photo-store.ts). */
export class PhotoRepository implements PhotoStore {
  /** `eventId/photoId` → uploaderId of the photos this instance accepted (their index keys need it). */
  private readonly uploaders = new Map<string, string>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The reads a handler starts together share one round trip (with a MembershipRepository's too, when it is given the same). */
    private readonly gets = new BatchedGets(db, tableName),
  ) {}

  async getEvent(eventId: string): Promise<PhotoEvent | null> {
    const event = await this.gets.get({ pk: eventPk(eventId), sk: EVENT_SK });
    return event ? eventOfItem(event) : null;
  }

  /**
   * One TransactWriteItems: the event, on condition it is new, and its organizer's access item
   * (which lists the event among theirs). False when the event exists: nothing is overwritten.
   */
  async createEvent(event: PhotoEvent): Promise<boolean> {
    const reasons = await transactWrite(this.db, [
      {
        Put: {
          TableName: this.tableName,
          Item: { pk: eventPk(event.eventId), sk: EVENT_SK, ...event },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(event.organizerId === undefined
        ? []
        : [{ Put: { TableName: this.tableName, Item: organizerAccessItem(event, event.organizerId) } } satisfies TransactAction]),
    ]);
    if (!reasons) return true;
    if (failed(reasons, 0)) return false;
    throw unexplained('createEvent', reasons);
  }

  /**
   * The number of ready photos of an event, or of one uploader's, counted when asked: a COUNT
   * Query of the sparse byReady index (byUploader for one uploader; only ready photos have their
   * keys), paged by DynamoDB per 1 MB read (about a thousand photos). Exact, and nothing to keep in
   * step on the write path.
   */
  async countPhotos(eventId: string, uploaderId?: string): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          ...(uploaderId === undefined
            ? { IndexName: READY_INDEX, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': eventPk(eventId) } }
            : {
                IndexName: UPLOADER_INDEX,
                KeyConditionExpression: 'pk = :pk AND begins_with(uploaderKey, :uploader)',
                ExpressionAttributeValues: { ':pk': eventPk(eventId), ':uploader': `${uploaderId}#` },
              }),
          Select: 'COUNT',
          ConsistentRead: true,
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
    return result ? eventOfItem(result.Attributes!) : null;
  }

  // ---------------------------------------------------------------- uploads

  /**
   * One TransactWriteItems: the uploader's and the event's counters of the clock hour (ADD, each
   * on condition it stays within its limits; the TTL set by the first), and the upload (Put, on
   * condition it is new). A size over a bytes limit on its own is refused without a request: a
   * condition cannot tell it while the hour's counter does not exist yet.
   */
  async reserveUpload(upload: Upload & { status: 'pending' }, quotas: UploadQuotas, now = new Date()): Promise<QuotaReservation> {
    const { start, secondsLeft } = quotaWindow(now);
    const counters: Counter[] = [
      {
        scope: 'user',
        sk: quotaSk(`USER#${upload.uploaderId}`, start),
        uploads: quotas.userUploadsPerHour,
        bytes: quotas.userBytesPerHour,
      },
      { scope: 'event', sk: quotaSk('EVENT', start), uploads: quotas.eventUploadsPerHour, bytes: quotas.eventBytesPerHour },
    ];
    const refused = (scope: Scope): QuotaReservation => ({ reserved: false, scope, retryAfterSeconds: secondsLeft });
    const tooBig = counters.find((counter) => upload.size > counter.bytes);
    if (tooBig) return refused(tooBig.scope);
    // Kept an hour past their window, then DynamoDB's TTL removes them.
    const counterTtl = Math.floor(Date.parse(start) / 1000) + 2 * 3600;
    const reasons = await transactWrite(this.db, [
      ...counters.map((counter) => this.countAction(upload.eventId, counter, upload.size, counterTtl)),
      {
        Put: {
          TableName: this.tableName,
          Item: {
            pk: eventPk(upload.eventId),
            sk: uploadSk(upload.photoId),
            ttl: Math.floor(Date.parse(upload.expiresAt) / 1000) + PENDING_RETENTION_SECONDS,
            ...upload,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    if (!reasons) return { reserved: true };
    // photoIds are random UUIDv7s: a collision means a bug, never a reason to overwrite.
    if (failed(reasons, 2)) throw new Error(`Upload ${upload.photoId} already exists`);
    const full = counters.find((_, index) => failed(reasons, index));
    if (full) return refused(full.scope);
    throw unexplained('reserveUpload', reasons);
  }

  async getUpload(eventId: string, photoId: string): Promise<Upload | null> {
    const item = await this.gets.get({ pk: eventPk(eventId), sk: uploadSk(photoId) });
    return item ? uploadOfItem(item) : null;
  }

  /** Marks a pending upload rejected, with a reason its uploader can read; no-op in any other state. */
  async rejectUpload(eventId: string, photoId: string, reason: string, now = new Date()): Promise<void> {
    await this.settlePending(eventId, photoId, 'rejected', 'rejectionReason = :reason, rejectedAt = :now', {
      ':reason': reason,
      ':now': now.toISOString(),
    });
  }

  /** Marks a pending upload a duplicate of another photo of the event; no-op in any other state. */
  async markUploadDuplicate(eventId: string, photoId: string, duplicateOf: string, now = new Date()): Promise<void> {
    await this.settlePending(eventId, photoId, 'duplicate', 'duplicateOf = :of, duplicateAt = :now', {
      ':of': duplicateOf,
      ':now': now.toISOString(),
    });
  }

  /** One conditional UpdateItem: the upload's new status and `set`, only while it is pending. */
  private async settlePending(eventId: string, photoId: string, status: string, set: string, values: Record<string, unknown>) {
    await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: uploadSk(photoId) },
          UpdateExpression: `SET #status = :status, ${set}`,
          ConditionExpression: PENDING_CONDITION,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':pending': 'pending', ...values },
        }),
      ),
    );
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

  // ---------------------------------------------------------------- photos

  /**
   * One TransactWriteItems of five actions: (a) the photo, without its index keys (so in no list
   * yet), if new; (b) the hash claim, if free or already this photo's (ALL_OLD: who holds it);
   * (c, d) the uploader's and the event's totals, within their limits; (e) the upload accepted, if
   * pending (ALL_OLD: its state). A claim whose photo is gone (left by data written before claims
   * and photos were one transaction) is taken over: the transaction is sent once more, with (b) on
   * condition the claim still names that photo.
   */
  async acceptPhoto(photo: Photo, quotas: UploadQuotas, now = new Date()): Promise<Acceptance> {
    const totals = this.totalCounters(photo.uploaderId, quotas);
    const tooBig = totals.find((counter) => photo.size > counter.bytes);
    if (tooBig) return { accepted: false, because: 'overTotal', scope: tooBig.scope };
    const pk = eventPk(photo.eventId);
    let staleHolder: string | undefined;
    for (;;) {
      const reasons = await transactWrite(this.db, [
        {
          Put: {
            TableName: this.tableName,
            Item: { pk, sk: photoSk(photo.photoId), ...photo, ...searchAttributes(photo) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: { pk, sk: hashSk(photo.sha256), sha256: photo.sha256, photoId: photo.photoId, claimedAt: now.toISOString() },
            ...(staleHolder === undefined
              ? {
                  ConditionExpression: 'attribute_not_exists(pk) OR photoId = :photoId',
                  ExpressionAttributeValues: { ':photoId': photo.photoId },
                }
              : {
                  ConditionExpression: 'attribute_not_exists(pk) OR photoId = :holder',
                  ExpressionAttributeValues: { ':holder': staleHolder },
                }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        ...totals.map((counter) => this.countAction(photo.eventId, counter, photo.size)),
        {
          Update: {
            TableName: this.tableName,
            Key: { pk, sk: uploadSk(photo.photoId) },
            UpdateExpression: 'SET #status = :accepted, acceptedAt = :now',
            ConditionExpression: PENDING_CONDITION,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':accepted': 'accepted', ':now': now.toISOString(), ':pending': 'pending' },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ]);
      if (!reasons || failed(reasons, 0)) {
        this.rememberUploader(photo);
        return reasons ? { accepted: false, because: 'acceptedBefore' } : { accepted: true };
      }
      if (failed(reasons, 4)) {
        const item = reasons[4]!.item;
        return { accepted: false, because: 'notPending', upload: item ? uploadOfItem(item) : null };
      }
      if (failed(reasons, 1)) {
        const holder = reasons[1]!.item?.['photoId'];
        if (typeof holder !== 'string') throw unexplained('acceptPhoto', reasons);
        if (staleHolder === undefined && !(await this.gets.get({ pk, sk: photoSk(holder) }))) {
          staleHolder = holder;
          continue;
        }
        return { accepted: false, because: 'duplicate', duplicateOf: holder };
      }
      const full = totals.find((_, index) => failed(reasons, 2 + index));
      if (full) return { accepted: false, because: 'overTotal', scope: full.scope };
      throw unexplained('acceptPhoto', reasons);
    }
  }

  /**
   * One UpdateItem: the ready time and both index keys, on condition the photo exists (and is the
   * uploader's: the uploader key needs the uploaderId, remembered from acceptPhoto; read first when
   * this instance did not accept the photo).
   */
  async markPhotoReady(eventId: string, photoId: string, readyAt: string): Promise<boolean> {
    const key = { pk: eventPk(eventId), sk: photoSk(photoId) };
    let uploaderId = this.uploaders.get(`${eventId}/${photoId}`) ?? (await this.gets.get(key))?.['uploaderId'];
    // A second attempt only if the item named another uploader than the one remembered (never expected).
    for (let attempt = 0; attempt < 2 && typeof uploaderId === 'string'; attempt++) {
      const { readyKey, uploaderKey } = readyAttributes({ photoId, uploaderId, createdAt: readyAt });
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET createdAt = :readyAt, readyKey = :readyKey, uploaderKey = :uploaderKey',
            ConditionExpression: 'attribute_exists(pk) AND uploaderId = :uploader',
            ExpressionAttributeValues: { ':readyAt': readyAt, ':readyKey': readyKey, ':uploaderKey': uploaderKey, ':uploader': uploaderId },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        uploaderId = error.Item ? itemOf(error.Item)['uploaderId'] : undefined;
      }
    }
    return false;
  }

  async getPhoto(eventId: string, photoId: string): Promise<Photo | null> {
    const item = await this.gets.get({ pk: eventPk(eventId), sk: photoSk(photoId) });
    return item && isReady(item) ? photoOfItem(item) : null;
  }

  async getHashClaim(eventId: string, sha256: string): Promise<HashClaim | null> {
    const item = await this.gets.get({ pk: eventPk(eventId), sk: hashSk(sha256) });
    if (!item) return null;
    const { pk: _pk, sk: _sk, ...claim } = item;
    return claim as unknown as HashClaim;
  }

  // ---------------------------------------------------------------- editing and deleting photos

  /**
   * One TransactWriteItems: the title and/or description (and their searched forms) of a ready
   * photo (on condition it is ready), and the edit's record for the feed; then the photo read back
   * (consistent; a transaction returns no item). Null when there is no ready photo (none is
   * created, nothing recorded).
   */
  async updatePhotoText(eventId: string, photoId: string, changes: EditPhotoRequest, now = new Date()): Promise<Photo | null> {
    const fields = Object.fromEntries(
      Object.entries(changes)
        .filter((entry): entry is [string, string] => entry[1] !== undefined)
        .flatMap(([name, value]) => [
          [name, value],
          [`${name}Fold`, foldForSearch(value)],
        ]),
    );
    const key = { pk: eventPk(eventId), sk: photoSk(photoId) };
    const reasons = await transactWrite(this.db, [
      {
        Update: {
          TableName: this.tableName,
          Key: key,
          ...setAttributes(fields),
          ConditionExpression: 'attribute_exists(readyKey)',
        },
      },
      { Put: { TableName: this.tableName, Item: changeItem(eventId, photoId, 'edited', now) } },
    ]);
    if (reasons) {
      if (failed(reasons, 0)) return null;
      throw unexplained('updatePhotoText', reasons);
    }
    const item = await this.gets.get(key);
    // Deleted right after the edit: as if the edit had come second.
    return item && isReady(item) ? photoOfItem(item) : null;
  }

  /**
   * Reads the photo (consistent). When there is one, one TransactWriteItems: the photo (Delete, if
   * it exists), its hash claim (Delete, if it still names the photo; a claim of another photo is
   * left alone), both totals given back, the upload marked deleted and the delete recorded for the feed. When there is none, one
   * UpdateItem marks the upload deleted, on condition it was not accepted meanwhile. Either
   * condition failing means a concurrent write changed the photo: read again.
   */
  async deletePhoto(eventId: string, photoId: string, uploaderId: string, now = new Date()): Promise<Photo | null> {
    const pk = eventPk(eventId);
    const marker = this.deletedMarker(eventId, photoId, uploaderId, now);
    for (let attempt = 0; attempt < DELETE_ATTEMPTS; attempt++) {
      const item = await this.gets.get({ pk, sk: photoSk(photoId) });
      if (!item) {
        const marked = await unlessConditionFails(
          this.db.send(
            new UpdateCommand({
              ...marker,
              ConditionExpression: 'attribute_not_exists(#status) OR #status <> :accepted',
              ExpressionAttributeValues: { ...marker.ExpressionAttributeValues, ':accepted': 'accepted' },
            }),
          ),
        );
        if (marked) return null;
        continue; // accepted meanwhile: its photo is there now
      }
      const photo = photoOfItem(item);
      const photoDelete: TransactAction = {
        Delete: { TableName: this.tableName, Key: { pk, sk: photoSk(photoId) }, ConditionExpression: 'attribute_exists(pk)' },
      };
      const givenBack = [quotaTotalSk(`USER#${photo.uploaderId}`), quotaTotalSk('EVENT')].map(
        (sk): TransactAction => ({
          Update: {
            TableName: this.tableName,
            Key: { pk, sk },
            UpdateExpression: 'ADD uploads :minusOne, bytes :minusBytes',
            ExpressionAttributeValues: { ':minusOne': -1, ':minusBytes': -photo.size },
          },
        }),
      );
      const claimDelete: TransactAction[] = photo.sha256
        ? [
            {
              Delete: {
                TableName: this.tableName,
                Key: { pk, sk: hashSk(photo.sha256) },
                ConditionExpression: 'photoId = :photoId',
                ExpressionAttributeValues: { ':photoId': photoId },
              },
            },
          ]
        : [];
      // What galleries learn from the feed: the photo is gone (photo-items.ts changeItem).
      const recorded: TransactAction = {
        Put: { TableName: this.tableName, Item: changeItem(eventId, photoId, 'removed', now, photo.uploaderId) },
      };
      let reasons = await transactWrite(this.db, [photoDelete, ...claimDelete, ...givenBack, { Update: marker }, recorded]);
      if (reasons && !failed(reasons, 0) && claimDelete.length > 0 && failed(reasons, 1))
        // The claim names another photo: not ours to remove.
        reasons = await transactWrite(this.db, [photoDelete, ...givenBack, { Update: marker }, recorded]);
      if (!reasons) return photo;
      if (!failed(reasons, 0)) throw unexplained('deletePhoto', reasons);
      // Deleted meanwhile by another request: read again.
    }
    throw new Error(`Photo ${photoId} of event ${eventId} changed under ${DELETE_ATTEMPTS} attempts to delete it`);
  }

  /**
   * The upload marked deleted, so processing that runs later discards the photo and its object.
   * Creates the marker when the upload record is gone (past its TTL), so a late redelivery or
   * reconcile cannot bring the photo back; the marker expires in turn.
   */
  private deletedMarker(eventId: string, photoId: string, uploaderId: string, now: Date) {
    return {
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
      } as Record<string, unknown>,
    } satisfies UpdateCommandInput;
  }

  // ---------------------------------------------------------------- counters

  private totalCounters(uploaderId: string, quotas: UploadQuotas): Counter[] {
    return [
      { scope: 'user', sk: quotaTotalSk(`USER#${uploaderId}`), uploads: quotas.userPhotosTotal, bytes: quotas.userBytesTotal },
      { scope: 'event', sk: quotaTotalSk('EVENT'), uploads: quotas.eventPhotosTotal, bytes: quotas.eventBytesTotal },
    ];
  }

  /**
   * Adds one and `bytes` to a counter on condition it stays within its limits (a counter that does
   * not exist yet is at zero: the caller checks `bytes` alone against the limit). `ttl`: when
   * DynamoDB may remove the counter (hourly windows); totals are kept.
   */
  private countAction(eventId: string, counter: Counter, bytes: number, ttl?: number): TransactAction {
    return {
      Update: {
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
      },
    };
  }

  private rememberUploader(photo: Photo): void {
    const id = `${photo.eventId}/${photo.photoId}`;
    this.uploaders.delete(id);
    this.uploaders.set(id, photo.uploaderId);
    if (this.uploaders.size > REMEMBERED_UPLOADERS) this.uploaders.delete(this.uploaders.keys().next().value!);
  }
}

/** An upload still pending: recorded, and with no status (older code wrote none) or `pending`. */
const PENDING_CONDITION = 'attribute_exists(pk) AND (attribute_not_exists(#status) OR #status = :pending)';

function unexplained(method: string, reasons: CancellationReason[]): Error {
  return new Error(`${method}: transaction cancelled for reasons it does not expect: ${reasons.map(({ code }) => code).join(', ')}`);
}
