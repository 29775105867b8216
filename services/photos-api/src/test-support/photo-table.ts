// An in-memory stand-in for the table and bucket, for the edit and delete handler tests.
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PendingUpload, Photo, PhotoEvent } from '@event-photos/core';

export const EVENT_ID = 'summit-2026';
export const UPLOADER = 'uploader-sub';
export const ORGANIZER = 'organizer-sub';
export const STRANGER = 'stranger-sub';
const pk = `EVENT#${EVENT_ID}`;

export const ddb = mockClient(DynamoDBDocumentClient);
export const s3 = mockClient(S3Client);
export const items = new Map<string, Record<string, unknown>>();

export const keyOf = (photoId: string) => `uploads/event_${EVENT_ID}/${photoId}.jpg`;

export function photoFor(photoId: string, overrides: Partial<Photo> = {}): Photo {
  return {
    photoId,
    eventId: EVENT_ID,
    title: 'Keynote',
    description: '',
    contentType: 'image/jpeg',
    size: 1234,
    sha256: 'ab'.repeat(32),
    url: `https://cdn.example/${keyOf(photoId)}`,
    uploaderId: UPLOADER,
    uploaderName: 'ana',
    objectKeys: [keyOf(photoId)],
    createdAt: '2026-05-01T10:00:00.000Z',
    ...overrides,
  };
}

export function uploadFor(photoId: string, overrides: Partial<PendingUpload> = {}): PendingUpload {
  const { sha256: _sha, url: _url, objectKeys: _keys, createdAt: _created, ...details } = photoFor(photoId);
  return { ...details, objectKey: keyOf(photoId), initiatedAt: '2026-05-01T10:00:00.000Z', expiresAt: '2026-05-01T10:05:00.000Z', ...overrides };
}

export const putEvent = (event: { [K in keyof PhotoEvent]?: PhotoEvent[K] | undefined } = {}) =>
  items.set(`${pk}|EVENT`, { eventId: EVENT_ID, name: 'Summit', organizerId: ORGANIZER, createdAt: '2026-04-01T00:00:00.000Z', ...event });
export const putPhoto = (photo: Photo) => items.set(`${pk}|PHOTO#${photo.photoId}`, { ...photo });
export const putUpload = (upload: PendingUpload) => items.set(`${pk}|UPLOAD#${upload.photoId}`, { ...upload });
export const itemOf = (sk: string) => items.get(`${pk}|${sk}`);
export const deletedKeys = () => s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input.Key);

type Key = { pk: string; sk: string };

/** Resets the mocks to a table (Get, Update with the ConditionExpressions the repository uses, Delete) and a bucket. */
export function resetTable(): void {
  ddb.reset();
  s3.reset();
  items.clear();
  ddb.on(GetCommand).callsFake(async ({ Key }: { Key: Key }) => {
    const item = items.get(`${Key.pk}|${Key.sk}`);
    return item ? { Item: { ...Key, ...item } } : {};
  });
  ddb.on(UpdateCommand).callsFake(async (input: { Key: Key; ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> }) => {
    const id = `${input.Key.pk}|${input.Key.sk}`;
    const existing = items.get(id);
    if (input.ConditionExpression?.startsWith('attribute_exists(pk)') && !existing) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    const next: Record<string, unknown> = { ...existing };
    const values = input.ExpressionAttributeValues;
    // Enough of the repository's two updates: text edits (`#title = :title`) and the deleted marker.
    for (const attribute of Object.values(input.ExpressionAttributeNames ?? {})) {
      if (values[`:${attribute}`] !== undefined) next[attribute] = values[`:${attribute}`];
    }
    if (values[':deleted'] !== undefined && values[':uploader'] !== undefined) {
      next['status'] = 'deleted';
      next['uploaderId'] ??= values[':uploader'];
    }
    items.set(id, next);
    return { Attributes: { ...input.Key, ...next } };
  });
  ddb.on(DeleteCommand).callsFake(async ({ Key }: { Key: Key }) => {
    const id = `${Key.pk}|${Key.sk}`;
    const existing = items.get(id);
    items.delete(id);
    return existing ? { Attributes: { ...Key, ...existing } } : {};
  });
  s3.on(DeleteObjectCommand).resolves({});
}
