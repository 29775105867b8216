import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ValidationError,
  photoIdSchema,
  type PendingUpload,
  type EditPhotoRequest,
  type Photo,
  type PhotoEvent,
} from '@event-photos/core';

// Single table. Everything of an event shares one partition:
//   pk EVENT#{eventId}  sk EVENT             the event
//   pk EVENT#{eventId}  sk UPLOAD#{photoId}  an upload that was initiated (kept until its TTL)
//   pk EVENT#{eventId}  sk PHOTO#{photoId}   a processed photo; photoIds are UUIDv7, so sk order is time order
const eventPk = (eventId: string) => `EVENT#${eventId}`;
const EVENT_SK = 'EVENT';
const photoSk = (photoId: string) => `PHOTO#${photoId}`;
const uploadSk = (photoId: string) => `UPLOAD#${photoId}`;
/**
 * Initiated uploads are kept 30 days after their URL expires: processing needs the record, and a
 * failed S3 event may wait up to 14 days in the failure queue before it is reconciled.
 */
export const PENDING_RETENTION_SECONDS = 30 * 24 * 3600;

type Keys = { pk: string; sk: string };

export class PhotoRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getEvent(eventId: string): Promise<PhotoEvent | null> {
    return this.get<PhotoEvent>({ pk: eventPk(eventId), sk: EVENT_SK });
  }

  /** Creates the event; false when it already exists (nothing is overwritten). */
  async createEvent(event: PhotoEvent): Promise<boolean> {
    return this.putIfAbsent({ pk: eventPk(event.eventId), sk: EVENT_SK, ...event });
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
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: uploadSk(photoId) },
          UpdateExpression: 'SET #status = :rejected, rejectionReason = :reason, rejectedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#status) OR #status <> :deleted)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':rejected': 'rejected', ':reason': reason, ':now': now.toISOString(), ':deleted': 'deleted' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Writes the photo once. Returns false when it already exists: a redelivered S3 event
   * then changes nothing.
   */
  async savePhoto(photo: Photo): Promise<boolean> {
    return this.putIfAbsent({ pk: eventPk(photo.eventId), sk: photoSk(photo.photoId), ...photo });
  }

  async getPhoto(eventId: string, photoId: string): Promise<Photo | null> {
    return this.get<Photo>({ pk: eventPk(eventId), sk: photoSk(photoId) });
  }

  /** Newest first. The cursor is the opaque form of the last photoId returned. */
  async listPhotos(
    eventId: string,
    { limit, cursor }: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: Photo[]; nextCursor: string | null }> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :photo)',
        ExpressionAttributeValues: { ':pk': eventPk(eventId), ':photo': 'PHOTO#' },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: after === undefined ? undefined : { pk: eventPk(eventId), sk: photoSk(after) },
      }),
    );
    const items = (result.Items ?? []).map((item) => toPhoto(item as Photo & Keys));
    const last = result.LastEvaluatedKey?.['sk'] as string | undefined;
    return { items, nextCursor: last ? encodeCursor(last.slice('PHOTO#'.length)) : null };
  }

  // ---------------------------------------------------------------- editing and deleting photos

  /** Changes a processed photo's title and/or description; null when there is no such photo. */
  async updatePhotoText(eventId: string, photoId: string, changes: EditPhotoRequest): Promise<Photo | null> {
    const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: photoSk(photoId) },
          UpdateExpression: `SET ${fields.map(([name]) => `#${name} = :${name}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(fields.map(([name]) => [`#${name}`, name])),
          ExpressionAttributeValues: Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toPhoto(result.Attributes as Photo & Keys);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
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
    return result.Attributes ? toPhoto(result.Attributes as Photo & Keys) : null;
  }

  private async get<T>(key: Keys): Promise<T | null> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    if (!result.Item) return null;
    const { pk: _pk, sk: _sk, ttl: _ttl, ...item } = result.Item;
    return item as T;
  }

  private async putIfAbsent(item: Keys & Record<string, unknown>): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function toPhoto({ pk: _pk, sk: _sk, ...photo }: Photo & Keys): Photo {
  return photo;
}

function encodeCursor(photoId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: photoId })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; after?: unknown };
    if (parsed.v === 1 && photoIdSchema.safeParse(parsed.after).success) return parsed.after as string;
  } catch {
    // fall through: any undecodable cursor is the client's error
  }
  throw new ValidationError('cursor', 'cursor is not a valid page cursor');
}
