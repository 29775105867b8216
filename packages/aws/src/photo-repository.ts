import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ValidationError,
  photoIdSchema,
  type PendingUpload,
  type Photo,
  type PhotoEvent,
  type PhotoPage,
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
   * Marks an upload rejected, with a reason its uploader can read. Never touches a processed photo.
   */
  async rejectUpload(eventId: string, photoId: string, reason: string, now = new Date()): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: uploadSk(photoId) },
          UpdateExpression: 'SET #status = :rejected, rejectionReason = :reason, rejectedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':rejected': 'rejected', ':reason': reason, ':now': now.toISOString() },
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
  async listPhotos(eventId: string, { limit, cursor }: { limit: number; cursor?: string | undefined }): Promise<PhotoPage> {
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
