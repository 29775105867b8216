import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PendingUpload, Photo } from '@event-photos/core';
import { PhotoRepository } from '#lib/photo-repository';

const TABLE = 'photos-test';
const ddb = mockClient(DynamoDBDocumentClient);
const repository = new PhotoRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), TABLE);

const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';

const photo: Photo = {
  photoId: PHOTO_ID,
  eventId: 'summit-2026',
  title: 'Keynote',
  description: '',
  contentType: 'image/jpeg',
  size: 1234,
  sha256: 'ab'.repeat(32),
  url: `https://d111111abcdef8.cloudfront.net/uploads/event_summit-2026/${PHOTO_ID}.jpg`,
  uploaderId: 'user-1',
  uploaderName: 'ana',
  objectKeys: [`uploads/event_summit-2026/${PHOTO_ID}.jpg`],
  createdAt: '2026-05-01T10:00:00.000Z',
};

beforeEach(() => {
  ddb.reset();
});

describe('savePhoto', () => {
  it('puts the photo under its event partition, only if absent', async () => {
    ddb.on(PutCommand).resolves({});
    await expect(repository.savePhoto(photo)).resolves.toBe(true);
    const [put] = ddb.commandCalls(PutCommand);
    expect(put!.args[0].input).toEqual({
      TableName: TABLE,
      // With what listing needs: the ready-time keys of both indexes and the searched texts.
      Item: {
        pk: 'EVENT#summit-2026',
        sk: `PHOTO#${PHOTO_ID}`,
        ...photo,
        readyKey: `2026-05-01T10:00:00.000Z#${PHOTO_ID}`,
        uploaderKey: `user-1#2026-05-01T10:00:00.000Z#${PHOTO_ID}`,
        titleFold: 'keynote',
        descriptionFold: '',
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('returns false when the photo already exists', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    await expect(repository.savePhoto(photo)).resolves.toBe(false);
  });

  it('rethrows any other error', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    ddb.on(PutCommand).rejects(throttled);
    await expect(repository.savePhoto(photo)).rejects.toBe(throttled);

    ddb.reset();
    ddb.on(PutCommand).rejects(new Error('network down'));
    await expect(repository.savePhoto(photo)).rejects.toThrow('network down');
  });
});

describe('savePendingUpload', () => {
  const upload: PendingUpload = {
    photoId: PHOTO_ID,
    eventId: 'summit-2026',
    title: 'Keynote',
    description: 'Day one',
    contentType: 'image/jpeg',
    size: 1234,
    uploaderId: 'user-1',
    uploaderName: 'ana',
    objectKey: `uploads/event_summit-2026/${PHOTO_ID}.jpg`,
    initiatedAt: '2026-05-01T10:00:00.000Z',
    expiresAt: '2026-05-01T10:05:00.000Z',
  };

  it('writes the upload only if absent, with a TTL 30 days after the URL expires', async () => {
    ddb.on(PutCommand).resolves({});
    await repository.savePendingUpload(upload);
    const input = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(input.Item).toEqual({
      pk: 'EVENT#summit-2026',
      sk: `UPLOAD#${PHOTO_ID}`,
      ttl: Date.parse(upload.expiresAt) / 1000 + 30 * 24 * 3600,
      ...upload,
    });
    expect(input.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('throws rather than overwrite an existing upload', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    await expect(repository.savePendingUpload(upload)).rejects.toThrow(`Upload ${PHOTO_ID} already exists`);
  });
});

describe('getPendingUpload / getHashClaim', () => {
  it('reads the upload consistently, without its keys or TTL', async () => {
    const upload = { photoId: PHOTO_ID, eventId: 'summit-2026', title: 'Keynote', status: 'deleted' };
    ddb.on(GetCommand).resolves({ Item: { pk: 'EVENT#summit-2026', sk: `UPLOAD#${PHOTO_ID}`, ttl: 1_800_000_000, ...upload } });
    await expect(repository.getPendingUpload('summit-2026', PHOTO_ID)).resolves.toStrictEqual(upload);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'EVENT#summit-2026', sk: `UPLOAD#${PHOTO_ID}` },
      ConsistentRead: true,
    });
  });

  it("reads the event's claim on a hash", async () => {
    const claim = { sha256: 'ab'.repeat(32), photoId: PHOTO_ID, claimedAt: '2026-05-01T10:00:00.000Z' };
    ddb.on(GetCommand).resolves({ Item: { pk: 'EVENT#summit-2026', sk: `HASH#${claim.sha256}`, ...claim } });
    await expect(repository.getHashClaim('summit-2026', claim.sha256)).resolves.toStrictEqual(claim);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input.Key).toEqual({ pk: 'EVENT#summit-2026', sk: `HASH#${claim.sha256}` });
  });
});

describe('rejectUpload', () => {
  const now = new Date('2026-05-01T10:01:00.000Z');

  it('marks the existing upload record rejected with the reason, unless it was deleted', async () => {
    ddb.on(UpdateCommand).resolves({});
    await repository.rejectUpload('summit-2026', PHOTO_ID, 'The file is text/html', now);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'EVENT#summit-2026', sk: `UPLOAD#${PHOTO_ID}` },
      UpdateExpression: 'SET #status = :rejected, rejectionReason = :reason, rejectedAt = :now',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#status) OR #status <> :deleted)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':rejected': 'rejected',
        ':reason': 'The file is text/html',
        ':now': now.toISOString(),
        ':deleted': 'deleted',
      },
    });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('does nothing, without throwing, when there is no upload record', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no record', $metadata: {} }));
    await expect(repository.rejectUpload('summit-2026', PHOTO_ID, 'reason', now)).resolves.toBeUndefined();
  });

  it('rethrows any other error', async () => {
    ddb.on(UpdateCommand).rejects(new Error('network down'));
    await expect(repository.rejectUpload('summit-2026', PHOTO_ID, 'reason', now)).rejects.toThrow('network down');
  });
});

describe('getPhoto / getEvent', () => {
  it('strips the keys from the item it reads consistently', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'EVENT#summit-2026', sk: `PHOTO#${PHOTO_ID}`, ...photo } });
    await expect(repository.getPhoto('summit-2026', PHOTO_ID)).resolves.toEqual(photo);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'EVENT#summit-2026', sk: `PHOTO#${PHOTO_ID}` },
      ConsistentRead: true,
    });
  });

  it('returns null when there is no item', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(repository.getEvent('summit-2026')).resolves.toBeNull();
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input.Key).toEqual({ pk: 'EVENT#summit-2026', sk: 'EVENT' });
  });
});

describe('updatePhotoText', () => {
  it('sets only the given fields on an existing photo and returns it without table keys', async () => {
    ddb.on(UpdateCommand).resolves({
      Attributes: { pk: 'EVENT#summit-2026', sk: `PHOTO#${PHOTO_ID}`, ...photo, title: 'Ñew', titleFold: 'ñew', readyKey: 'k' },
    });
    await expect(repository.updatePhotoText('summit-2026', PHOTO_ID, { title: 'Ñew' })).resolves.toEqual({ ...photo, title: 'Ñew' });
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'EVENT#summit-2026', sk: `PHOTO#${PHOTO_ID}` },
      // The searched form changes with the text.
      UpdateExpression: 'SET #title = :title, #titleFold = :titleFold',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#title': 'title', '#titleFold': 'titleFold' },
      ExpressionAttributeValues: { ':title': 'Ñew', ':titleFold': 'ñew' },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('sets both fields when both are given', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { ...photo } });
    await repository.updatePhotoText('summit-2026', PHOTO_ID, { title: 'T', description: 'D' });
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input.UpdateExpression).toBe(
      'SET #title = :title, #titleFold = :titleFold, #description = :description, #descriptionFold = :descriptionFold',
    );
  });

  it('returns null when the photo does not exist (never creates one)', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no photo', $metadata: {} }));
    await expect(repository.updatePhotoText('summit-2026', PHOTO_ID, { title: 'New' })).resolves.toBeNull();
  });
});

describe('markUploadDeleted', () => {
  it('marks the upload deleted, keeping its uploader and TTL, or creates the marker with a TTL', async () => {
    const now = new Date('2026-05-01T10:01:00.000Z');
    ddb.on(UpdateCommand).resolves({});
    await repository.markUploadDeleted('summit-2026', PHOTO_ID, 'user-1', now);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'EVENT#summit-2026', sk: `UPLOAD#${PHOTO_ID}` },
      UpdateExpression:
        'SET #status = :deleted, deletedAt = if_not_exists(deletedAt, :now), uploaderId = if_not_exists(uploaderId, :uploader), #ttl = if_not_exists(#ttl, :ttl)',
      ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':deleted': 'deleted',
        ':now': now.toISOString(),
        ':uploader': 'user-1',
        ':ttl': Math.floor(now.getTime() / 1000) + 30 * 24 * 3600,
      },
    });
  });
});

describe('deletePhotoRecord', () => {
  it('deletes the photo and returns what it held', async () => {
    ddb.on(DeleteCommand).resolves({ Attributes: { pk: 'EVENT#summit-2026', sk: `PHOTO#${PHOTO_ID}`, ...photo } });
    await expect(repository.deletePhotoRecord('summit-2026', PHOTO_ID)).resolves.toEqual(photo);
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'EVENT#summit-2026', sk: `PHOTO#${PHOTO_ID}` },
      ReturnValues: 'ALL_OLD',
    });
  });

  it('returns null when there was no photo', async () => {
    ddb.on(DeleteCommand).resolves({});
    await expect(repository.deletePhotoRecord('summit-2026', PHOTO_ID)).resolves.toBeNull();
  });
});
