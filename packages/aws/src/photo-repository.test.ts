import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  type AttributeValue,
  type CancellationReason,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_UPLOAD_QUOTAS, type Photo, type Upload, type UploadQuotas } from '@event-photos/core';
import { PhotoRepository } from '#lib/photo-repository';

const TABLE = 'photos-test';
const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
/** A new repository per test: it remembers the uploaders of the photos it accepted. */
let repository: PhotoRepository;

const EVENT = 'summit-2026';
const PK = `EVENT#${EVENT}`;
const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const OTHER_ID = '01890a5d-ac96-774b-bcce-000000000001';
const SHA = 'ab'.repeat(32);
const NOW = new Date('2026-05-01T10:01:00.000Z');
const RETENTION = 30 * 24 * 3600;

const photo: Photo = {
  photoId: PHOTO_ID,
  eventId: EVENT,
  title: 'Keynote',
  description: 'Día uno',
  contentType: 'image/jpeg',
  size: 1234,
  sha256: SHA,
  url: `https://d111111abcdef8.cloudfront.net/uploads/event_summit-2026/${PHOTO_ID}.jpg`,
  uploaderId: 'user-1',
  uploaderName: 'ana',
  objectKeys: [`uploads/event_summit-2026/${PHOTO_ID}.jpg`],
  createdAt: '2026-05-01T10:00:00.000Z',
};

const upload: Upload & { status: 'pending' } = {
  photoId: PHOTO_ID,
  eventId: EVENT,
  title: 'Keynote',
  description: 'Día uno',
  contentType: 'image/jpeg',
  size: 1234,
  uploaderId: 'user-1',
  uploaderName: 'ana',
  objectKey: `uploads/event_summit-2026/${PHOTO_ID}.jpg`,
  initiatedAt: '2026-05-01T10:00:00.000Z',
  expiresAt: '2026-05-01T10:05:00.000Z',
  status: 'pending',
};

const quotas: UploadQuotas = {
  userUploadsPerHour: 100,
  userBytesPerHour: 10_000,
  eventUploadsPerHour: 1000,
  eventBytesPerHour: 100_000,
  userPhotosTotal: 2000,
  userBytesTotal: 20_000,
  eventPhotosTotal: 200_000,
  eventBytesTotal: 200_000,
};

/** A cancellation as DynamoDB answers it: one reason per action, `Item` in the wire form. */
function cancelled(...codes: Array<string | { code: string; item: Record<string, AttributeValue> }>) {
  const reasons: CancellationReason[] = codes.map((code) =>
    typeof code === 'string' ? { Code: code } : { Code: code.code, Item: code.item },
  );
  return new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons });
}
const CCF = 'ConditionalCheckFailed';
const conditionFailed = (item?: Record<string, AttributeValue>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item ? { Item: item } : {}) });
const transactions = () => ddb.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems);

beforeEach(() => {
  ddb.reset();
  repository = new PhotoRepository(client, TABLE);
});

describe('reserveUpload', () => {
  const at = new Date('2026-05-01T10:59:30.000Z');
  const hourTtl = Date.parse('2026-05-01T10:00:00.000Z') / 1000 + 2 * 3600;
  const counter = (sk: string, maxUploads: number, maxBytes: number) => ({
    Update: {
      TableName: TABLE,
      Key: { pk: PK, sk },
      UpdateExpression: 'SET #ttl = if_not_exists(#ttl, :ttl) ADD uploads :one, bytes :bytes',
      ConditionExpression:
        '(attribute_not_exists(uploads) OR uploads < :maxUploads) AND (attribute_not_exists(bytes) OR bytes <= :bytesLeft)',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':ttl': hourTtl, ':one': 1, ':bytes': 1234, ':maxUploads': maxUploads, ':bytesLeft': maxBytes - 1234 },
    },
  });

  it("counts the hour's uploads of the uploader and of the event and records the upload pending, in one transaction", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await expect(repository.reserveUpload(upload, quotas, at)).resolves.toStrictEqual({ reserved: true });
    expect(transactions()).toEqual([
      [
        counter('QUOTA#USER#user-1#2026-05-01T10:00:00.000Z', 100, 10_000),
        counter('QUOTA#EVENT#2026-05-01T10:00:00.000Z', 1000, 100_000),
        {
          Put: {
            TableName: TABLE,
            // Kept 30 days after the URL expires.
            Item: { pk: PK, sk: `UPLOAD#${PHOTO_ID}`, ttl: Date.parse(upload.expiresAt) / 1000 + RETENTION, ...upload },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    ]);
  });

  it("names the uploader's quota when its counter refuses, else the event's, with the seconds left in the hour", async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(CCF, CCF, 'None'))
      .rejectsOnce(cancelled('None', CCF, 'None'));
    await expect(repository.reserveUpload(upload, quotas, at)).resolves.toStrictEqual({
      reserved: false,
      scope: 'user',
      retryAfterSeconds: 30,
    });
    await expect(repository.reserveUpload(upload, quotas, at)).resolves.toStrictEqual({
      reserved: false,
      scope: 'event',
      retryAfterSeconds: 30,
    });
  });

  it('throws when an upload with the photoId exists, whatever the counters said', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'None', CCF))
      .rejectsOnce(cancelled(CCF, 'None', CCF));
    await expect(repository.reserveUpload(upload, quotas, at)).rejects.toThrow(`Upload ${PHOTO_ID} already exists`);
    await expect(repository.reserveUpload(upload, quotas, at)).rejects.toThrow(`Upload ${PHOTO_ID} already exists`);
  });

  it('refuses without a request an upload bigger than a bytes limit on its own', async () => {
    await expect(repository.reserveUpload({ ...upload, size: 10_001 }, quotas, at)).resolves.toMatchObject({
      reserved: false,
      scope: 'user',
    });
    const bigUser = { ...quotas, userBytesPerHour: 1_000_000 };
    await expect(repository.reserveUpload({ ...upload, size: 100_001 }, bigUser, at)).resolves.toMatchObject({
      reserved: false,
      scope: 'event',
    });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('sends a transaction that only met another one again at once, a bounded number of times', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('TransactionConflict', 'None', 'None'))
      .resolvesOnce({});
    await expect(repository.reserveUpload(upload, quotas, at)).resolves.toStrictEqual({ reserved: true });
    expect(transactions()).toHaveLength(2);

    ddb.reset();
    const conflict = cancelled('None', 'TransactionConflict', 'None');
    ddb.on(TransactWriteCommand).rejects(conflict);
    await expect(repository.reserveUpload(upload, quotas, at)).rejects.toBe(conflict);
    expect(transactions()).toHaveLength(3);
  });

  it('rethrows any other error', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    ddb.on(TransactWriteCommand).rejects(throttled);
    await expect(repository.reserveUpload(upload, quotas, at)).rejects.toBe(throttled);
    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(cancelled('ThrottlingError', 'None', 'None'));
    await expect(repository.reserveUpload(upload, quotas, at)).rejects.toBeInstanceOf(TransactionCanceledException);
  });
});

describe('getUpload / getHashClaim', () => {
  it('reads the upload consistently, without its keys or TTL', async () => {
    const stored = { ...upload, status: 'deleted', deletedAt: NOW.toISOString() };
    ddb.on(GetCommand).resolves({ Item: { pk: PK, sk: `UPLOAD#${PHOTO_ID}`, ttl: 1_800_000_000, ...stored } });
    await expect(repository.getUpload(EVENT, PHOTO_ID)).resolves.toStrictEqual(stored);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `UPLOAD#${PHOTO_ID}` },
      ConsistentRead: true,
    });
  });

  it('reads an upload without status, as older code wrote them, as pending', async () => {
    const { status: _status, ...older } = upload;
    ddb.on(GetCommand).resolves({ Item: { pk: PK, sk: `UPLOAD#${PHOTO_ID}`, ttl: 1_800_000_000, ...older } });
    await expect(repository.getUpload(EVENT, PHOTO_ID)).resolves.toStrictEqual(upload);
  });

  it("reads the event's claim on a hash", async () => {
    const claim = { sha256: SHA, photoId: PHOTO_ID, claimedAt: '2026-05-01T10:00:00.000Z' };
    ddb.on(GetCommand).resolves({ Item: { pk: PK, sk: `HASH#${SHA}`, ...claim } });
    await expect(repository.getHashClaim(EVENT, SHA)).resolves.toStrictEqual(claim);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input.Key).toEqual({ pk: PK, sk: `HASH#${SHA}` });
  });
});

describe('rejectUpload / markUploadDuplicate', () => {
  const pendingCondition = 'attribute_exists(pk) AND (attribute_not_exists(#status) OR #status = :pending)';

  it('marks the upload rejected with the reason, only while it is pending', async () => {
    ddb.on(UpdateCommand).resolves({});
    await repository.rejectUpload(EVENT, PHOTO_ID, 'The file is text/html', NOW);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `UPLOAD#${PHOTO_ID}` },
      UpdateExpression: 'SET #status = :status, rejectionReason = :reason, rejectedAt = :now',
      ConditionExpression: pendingCondition,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': 'rejected',
        ':pending': 'pending',
        ':reason': 'The file is text/html',
        ':now': NOW.toISOString(),
      },
    });
  });

  it('marks the upload a duplicate of another photo, only while it is pending', async () => {
    ddb.on(UpdateCommand).resolves({});
    await repository.markUploadDuplicate(EVENT, PHOTO_ID, OTHER_ID, NOW);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `UPLOAD#${PHOTO_ID}` },
      UpdateExpression: 'SET #status = :status, duplicateOf = :of, duplicateAt = :now',
      ConditionExpression: pendingCondition,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': 'duplicate', ':pending': 'pending', ':of': OTHER_ID, ':now': NOW.toISOString() },
    });
  });

  it('does nothing, without throwing, when the upload is gone or no longer pending; rethrows any other error', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(repository.rejectUpload(EVENT, PHOTO_ID, 'reason', NOW)).resolves.toBeUndefined();
    await expect(repository.markUploadDuplicate(EVENT, PHOTO_ID, OTHER_ID, NOW)).resolves.toBeUndefined();
    ddb.reset();
    ddb.on(UpdateCommand).rejects(new Error('network down'));
    await expect(repository.rejectUpload(EVENT, PHOTO_ID, 'reason', NOW)).rejects.toThrow('network down');
    await expect(repository.markUploadDuplicate(EVENT, PHOTO_ID, OTHER_ID, NOW)).rejects.toThrow('network down');
  });
});

describe('acceptPhoto', () => {
  const total = (sk: string, maxUploads: number, maxBytes: number) => ({
    Update: {
      TableName: TABLE,
      Key: { pk: PK, sk },
      UpdateExpression: 'ADD uploads :one, bytes :bytes',
      ConditionExpression:
        '(attribute_not_exists(uploads) OR uploads < :maxUploads) AND (attribute_not_exists(bytes) OR bytes <= :bytesLeft)',
      ExpressionAttributeValues: { ':one': 1, ':bytes': 1234, ':maxUploads': maxUploads, ':bytesLeft': maxBytes - 1234 },
    },
  });
  const claim = (condition: string, values: Record<string, string>) => ({
    Put: {
      TableName: TABLE,
      Item: { pk: PK, sk: `HASH#${SHA}`, sha256: SHA, photoId: PHOTO_ID, claimedAt: NOW.toISOString() },
      ConditionExpression: condition,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  });
  const actions = (claimAction = claim('attribute_not_exists(pk) OR photoId = :photoId', { ':photoId': PHOTO_ID })) => [
    {
      Put: {
        TableName: TABLE,
        // No readyKey or uploaderKey: the photo is in no list until markPhotoReady.
        Item: { pk: PK, sk: `PHOTO#${PHOTO_ID}`, ...photo, titleFold: 'keynote', descriptionFold: 'día uno' },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    claimAction,
    total('QUOTA#USER#user-1#TOTAL', 2000, 20_000),
    total('QUOTA#EVENT#TOTAL', 200_000, 200_000),
    {
      Update: {
        TableName: TABLE,
        Key: { pk: PK, sk: `UPLOAD#${PHOTO_ID}` },
        UpdateExpression: 'SET #status = :accepted, acceptedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#status) OR #status = :pending)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':accepted': 'accepted', ':now': NOW.toISOString(), ':pending': 'pending' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  ];
  const holderItem = { pk: { S: PK }, sk: { S: `HASH#${SHA}` }, sha256: { S: SHA }, photoId: { S: OTHER_ID }, claimedAt: { S: 'then' } };
  const uploadItem = (status: string): Record<string, AttributeValue> => ({
    pk: { S: PK },
    sk: { S: `UPLOAD#${PHOTO_ID}` },
    ttl: { N: '1780000000' },
    ...Object.fromEntries(
      Object.entries(upload).map(([name, value]) => [name, typeof value === 'number' ? { N: String(value) } : { S: value }]),
    ),
    status: { S: status },
    rejectionReason: { S: 'Not an image' },
    rejectedAt: { S: 'then' },
  });

  it('records the photo, claims its hash, counts both totals and marks the upload accepted, in one transaction of five', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await expect(repository.acceptPhoto(photo, quotas, NOW)).resolves.toStrictEqual({ accepted: true });
    expect(transactions()).toEqual([actions()]);
    expect(ddb.calls()).toHaveLength(1);
  });

  it('maps each failed condition to its answer', async () => {
    const cases: Array<[ReturnType<typeof cancelled>, unknown]> = [
      [cancelled(CCF, 'None', 'None', 'None', 'None'), { accepted: false, because: 'acceptedBefore' }],
      [
        cancelled('None', 'None', 'None', 'None', { code: CCF, item: uploadItem('rejected') }),
        {
          accepted: false,
          because: 'notPending',
          upload: { ...upload, status: 'rejected', rejectionReason: 'Not an image', rejectedAt: 'then' },
        },
      ],
      [cancelled('None', 'None', 'None', 'None', CCF), { accepted: false, because: 'notPending', upload: null }],
      [cancelled('None', 'None', CCF, 'None', 'None'), { accepted: false, because: 'overTotal', scope: 'user' }],
      [cancelled('None', 'None', 'None', CCF, 'None'), { accepted: false, because: 'overTotal', scope: 'event' }],
    ];
    for (const [error, answer] of cases) {
      ddb.reset();
      ddb.on(TransactWriteCommand).rejects(error);
      await expect(repository.acceptPhoto(photo, quotas, NOW)).resolves.toStrictEqual(answer);
      expect(ddb.calls()).toHaveLength(1);
    }
  });

  it('answers duplicate with the photo the claim names, once a read finds that photo there', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', { code: CCF, item: holderItem }, 'None', 'None', 'None'));
    ddb.on(GetCommand).resolves({ Item: { pk: PK, sk: `PHOTO#${OTHER_ID}`, photoId: OTHER_ID } });
    await expect(repository.acceptPhoto(photo, quotas, NOW)).resolves.toStrictEqual({
      accepted: false,
      because: 'duplicate',
      duplicateOf: OTHER_ID,
    });
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `PHOTO#${OTHER_ID}` },
      ConsistentRead: true,
    });
    expect(transactions()).toHaveLength(1);
  });

  it('takes over a claim whose photo is gone: the same transaction once more, on condition the claim still names it', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', { code: CCF, item: holderItem }, 'None', 'None', 'None'))
      .resolvesOnce({});
    ddb.on(GetCommand).resolves({});
    await expect(repository.acceptPhoto(photo, quotas, NOW)).resolves.toStrictEqual({ accepted: true });
    expect(transactions()).toEqual([actions(), actions(claim('attribute_not_exists(pk) OR photoId = :holder', { ':holder': OTHER_ID }))]);
  });

  it('takes over only once: a claim that changed meanwhile is a duplicate', async () => {
    const third = { ...holderItem, photoId: { S: 'third-photo' } };
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', { code: CCF, item: holderItem }, 'None', 'None', 'None'))
      .rejectsOnce(cancelled('None', { code: CCF, item: third }, 'None', 'None', 'None'));
    ddb.on(GetCommand).resolves({});
    await expect(repository.acceptPhoto(photo, quotas, NOW)).resolves.toStrictEqual({
      accepted: false,
      because: 'duplicate',
      duplicateOf: 'third-photo',
    });
    expect(transactions()).toHaveLength(2);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('answers by priority when several conditions fail: acceptedBefore, notPending, duplicate, then the totals', async () => {
    const all = (first: string) => cancelled(first, { code: CCF, item: holderItem }, CCF, CCF, { code: CCF, item: uploadItem('deleted') });
    ddb.on(TransactWriteCommand).rejectsOnce(all(CCF)).rejectsOnce(all('None'));
    await expect(repository.acceptPhoto(photo, quotas, NOW)).resolves.toStrictEqual({ accepted: false, because: 'acceptedBefore' });
    expect(await repository.acceptPhoto(photo, quotas, NOW)).toMatchObject({ because: 'notPending', upload: { status: 'deleted' } });

    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(cancelled('None', { code: CCF, item: holderItem }, CCF, CCF, 'None'));
    ddb.on(GetCommand).resolves({ Item: { pk: PK, sk: `PHOTO#${OTHER_ID}` } });
    expect(await repository.acceptPhoto(photo, quotas, NOW)).toMatchObject({ because: 'duplicate' });

    ddb.reset();
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'None', CCF, CCF, 'None'));
    await expect(repository.acceptPhoto(photo, quotas, NOW)).resolves.toStrictEqual({
      accepted: false,
      because: 'overTotal',
      scope: 'user',
    });
  });

  it('refuses without a request a photo bigger than a bytes total on its own', async () => {
    await expect(repository.acceptPhoto({ ...photo, size: 20_001 }, quotas, NOW)).resolves.toStrictEqual({
      accepted: false,
      because: 'overTotal',
      scope: 'user',
    });
    await expect(repository.acceptPhoto({ ...photo, size: 200_001 }, { ...quotas, userBytesTotal: 1e9 }, NOW)).resolves.toStrictEqual({
      accepted: false,
      because: 'overTotal',
      scope: 'event',
    });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('throws on a cancellation it cannot explain', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', { code: CCF, item: {} }, 'None', 'None', 'None'));
    await expect(repository.acceptPhoto(photo, DEFAULT_UPLOAD_QUOTAS, NOW)).rejects.toThrow('acceptPhoto');
  });
});

describe('markPhotoReady', () => {
  const readyAt = '2026-05-01T10:01:30.000Z';
  const update = (uploaderId: string) => ({
    TableName: TABLE,
    Key: { pk: PK, sk: `PHOTO#${PHOTO_ID}` },
    UpdateExpression: 'SET createdAt = :readyAt, readyKey = :readyKey, uploaderKey = :uploaderKey',
    ConditionExpression: 'attribute_exists(pk) AND uploaderId = :uploader',
    ExpressionAttributeValues: {
      ':readyAt': readyAt,
      ':readyKey': `${readyAt}#${PHOTO_ID}`,
      ':uploaderKey': `${uploaderId}#${readyAt}#${PHOTO_ID}`,
      ':uploader': uploaderId,
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });

  it('after acceptPhoto: one UpdateItem, the ready time and both index keys, on condition the photo is there', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    await repository.acceptPhoto(photo, quotas, NOW);
    await expect(repository.markPhotoReady(EVENT, PHOTO_ID, readyAt)).resolves.toBe(true);
    expect(ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input)).toEqual([update('user-1')]);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('reads the uploader first for a photo this instance did not accept; false, writing nothing, when there is none', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { pk: PK, sk: `PHOTO#${PHOTO_ID}`, ...photo } })
      .resolvesOnce({});
    ddb.on(UpdateCommand).resolves({});
    await expect(repository.markPhotoReady(EVENT, PHOTO_ID, readyAt)).resolves.toBe(true);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual(update('user-1'));
    await expect(repository.markPhotoReady(EVENT, PHOTO_ID, readyAt)).resolves.toBe(false);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('answers false when the photo was deleted meanwhile (nothing is created)', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await repository.acceptPhoto(photo, quotas, NOW);
    await expect(repository.markPhotoReady(EVENT, PHOTO_ID, readyAt)).resolves.toBe(false);
  });

  it('uses the uploader the item names when it is not the one remembered', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    ddb
      .on(UpdateCommand)
      .rejectsOnce(conditionFailed({ uploaderId: { S: 'user-2' } }))
      .resolvesOnce({});
    await repository.acceptPhoto(photo, quotas, NOW);
    await expect(repository.markPhotoReady(EVENT, PHOTO_ID, readyAt)).resolves.toBe(true);
    expect(ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input)).toEqual([update('user-1'), update('user-2')]);
  });
});

describe('getPhoto', () => {
  it('strips the keys and listing attributes from a ready photo it reads consistently', async () => {
    ddb.on(GetCommand).resolves({
      Item: { pk: PK, sk: `PHOTO#${PHOTO_ID}`, ...photo, readyKey: 'k', uploaderKey: 'u', titleFold: 'keynote', descriptionFold: '' },
    });
    await expect(repository.getPhoto(EVENT, PHOTO_ID)).resolves.toStrictEqual(photo);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `PHOTO#${PHOTO_ID}` },
      ConsistentRead: true,
    });
  });

  it('answers null for a photo only accepted (no readyKey), or none', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { pk: PK, sk: `PHOTO#${PHOTO_ID}`, ...photo, titleFold: 'keynote' } })
      .resolvesOnce({});
    await expect(repository.getPhoto(EVENT, PHOTO_ID)).resolves.toBeNull();
    await expect(repository.getPhoto(EVENT, PHOTO_ID)).resolves.toBeNull();
  });
});

describe('updatePhotoText', () => {
  const edited = (at: Date) => ({
    Put: {
      TableName: TABLE,
      Item: {
        pk: PK,
        sk: `CHANGE#${at.toISOString()}#${PHOTO_ID}`,
        photoId: PHOTO_ID,
        change: 'edited',
        changedAt: at.toISOString(),
        ttl: at.getTime() / 1000 + 7 * 24 * 3600,
      },
    },
  });

  it('sets only the given fields on a ready photo and records the edit for the feed, in one transaction; returns the photo read back', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(GetCommand).resolves({ Item: { pk: PK, sk: `PHOTO#${PHOTO_ID}`, ...photo, title: 'Ñew', titleFold: 'ñew', readyKey: 'k' } });
    await expect(repository.updatePhotoText(EVENT, PHOTO_ID, { title: 'Ñew' }, NOW)).resolves.toEqual({ ...photo, title: 'Ñew' });
    expect(transactions()).toEqual([
      [
        {
          Update: {
            TableName: TABLE,
            Key: { pk: PK, sk: `PHOTO#${PHOTO_ID}` },
            // The searched form changes with the text.
            UpdateExpression: 'SET #title = :title, #titleFold = :titleFold',
            ConditionExpression: 'attribute_exists(readyKey)',
            ExpressionAttributeNames: { '#title': 'title', '#titleFold': 'titleFold' },
            ExpressionAttributeValues: { ':title': 'Ñew', ':titleFold': 'ñew' },
          },
        },
        edited(NOW),
      ],
    ]);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `PHOTO#${PHOTO_ID}` },
      ConsistentRead: true,
    });
  });

  it('sets both fields when both are given', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(GetCommand).resolves({ Item: { ...photo, readyKey: 'k' } });
    await repository.updatePhotoText(EVENT, PHOTO_ID, { title: 'T', description: 'D' });
    expect(transactions()[0]![0]!.Update!.UpdateExpression).toBe(
      'SET #title = :title, #titleFold = :titleFold, #description = :description, #descriptionFold = :descriptionFold',
    );
  });

  it('returns null when there is no ready photo (never creates one, records nothing), or when it was deleted right after', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(CCF, 'None'));
    await expect(repository.updatePhotoText(EVENT, PHOTO_ID, { title: 'New' })).resolves.toBeNull();
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    ddb.reset();
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(GetCommand).resolves({});
    await expect(repository.updatePhotoText(EVENT, PHOTO_ID, { title: 'New' })).resolves.toBeNull();
  });
});

describe('deletePhoto', () => {
  const later = new Date('2026-05-02T10:00:00.000Z');
  const stored = {
    pk: PK,
    sk: `PHOTO#${PHOTO_ID}`,
    ...photo,
    readyKey: 'k',
    uploaderKey: 'u',
    titleFold: 'keynote',
    descriptionFold: 'día uno',
  };
  const marker = {
    TableName: TABLE,
    Key: { pk: PK, sk: `UPLOAD#${PHOTO_ID}` },
    UpdateExpression:
      'SET #status = :deleted, deletedAt = if_not_exists(deletedAt, :now), uploaderId = if_not_exists(uploaderId, :uploader), #ttl = if_not_exists(#ttl, :ttl)',
    ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl' },
    ExpressionAttributeValues: {
      ':deleted': 'deleted',
      ':now': later.toISOString(),
      ':uploader': 'organizer-sub',
      ':ttl': later.getTime() / 1000 + RETENTION,
    },
  };
  const photoDelete = {
    Delete: { TableName: TABLE, Key: { pk: PK, sk: `PHOTO#${PHOTO_ID}` }, ConditionExpression: 'attribute_exists(pk)' },
  };
  const claimDelete = {
    Delete: {
      TableName: TABLE,
      Key: { pk: PK, sk: `HASH#${SHA}` },
      ConditionExpression: 'photoId = :photoId',
      ExpressionAttributeValues: { ':photoId': PHOTO_ID },
    },
  };
  // The totals of the photo's uploader, whoever deletes it.
  const givenBack = ['QUOTA#USER#user-1#TOTAL', 'QUOTA#EVENT#TOTAL'].map((sk) => ({
    Update: {
      TableName: TABLE,
      Key: { pk: PK, sk },
      UpdateExpression: 'ADD uploads :minusOne, bytes :minusBytes',
      ExpressionAttributeValues: { ':minusOne': -1, ':minusBytes': -1234 },
    },
  }));
  // What the feed reads: the photo, of its uploader, was deleted at that time.
  const recorded = {
    Put: {
      TableName: TABLE,
      Item: {
        pk: PK,
        sk: `CHANGE#${later.toISOString()}#${PHOTO_ID}`,
        photoId: PHOTO_ID,
        change: 'removed',
        changedAt: later.toISOString(),
        uploaderId: 'user-1',
        ttl: later.getTime() / 1000 + 7 * 24 * 3600,
      },
    },
  };
  const markerIfNotAccepted = {
    ...marker,
    ConditionExpression: 'attribute_not_exists(#status) OR #status <> :accepted',
    ExpressionAttributeValues: { ...marker.ExpressionAttributeValues, ':accepted': 'accepted' },
  };

  it('reads the photo, then deletes it, its claim and its totals, marks its upload deleted and records the delete, in one transaction', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb.on(TransactWriteCommand).resolves({});
    await expect(repository.deletePhoto(EVENT, PHOTO_ID, 'organizer-sub', later)).resolves.toStrictEqual(photo);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `PHOTO#${PHOTO_ID}` },
      ConsistentRead: true,
    });
    expect(transactions()).toEqual([[photoDelete, claimDelete, ...givenBack, { Update: marker }, recorded]]);
    expect(ddb.calls()).toHaveLength(2);
  });

  it('leaves a claim that names another photo alone: the transaction again without it', async () => {
    ddb.on(GetCommand).resolves({ Item: stored });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', CCF, 'None', 'None', 'None'))
      .resolvesOnce({});
    await expect(repository.deletePhoto(EVENT, PHOTO_ID, 'organizer-sub', later)).resolves.toStrictEqual(photo);
    expect(transactions()).toEqual([
      [photoDelete, claimDelete, ...givenBack, { Update: marker }, recorded],
      [photoDelete, ...givenBack, { Update: marker }, recorded],
    ]);
  });

  it('marks the upload deleted with one UpdateItem when there is no photo, unless it was accepted meanwhile', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    await expect(repository.deletePhoto(EVENT, PHOTO_ID, 'organizer-sub', later)).resolves.toBeNull();
    expect(ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input)).toEqual([markerIfNotAccepted]);
    expect(transactions()).toEqual([]);
  });

  it('reads again when the upload was accepted meanwhile, and deletes the photo it finds', async () => {
    ddb.on(GetCommand).resolvesOnce({}).resolvesOnce({ Item: stored });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(TransactWriteCommand).resolves({});
    await expect(repository.deletePhoto(EVENT, PHOTO_ID, 'organizer-sub', later)).resolves.toStrictEqual(photo);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(2);
    expect(transactions()).toHaveLength(1);
  });

  it('reads again when another delete removed the photo first, then only marks the upload (null)', async () => {
    ddb.on(GetCommand).resolvesOnce({ Item: stored }).resolvesOnce({});
    ddb.on(TransactWriteCommand).rejects(cancelled(CCF, CCF, 'None', 'None', 'None'));
    ddb.on(UpdateCommand).resolves({});
    await expect(repository.deletePhoto(EVENT, PHOTO_ID, 'organizer-sub', later)).resolves.toBeNull();
    expect(transactions()).toHaveLength(1);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual(markerIfNotAccepted);
  });

  it('gives up after three reads that a concurrent write made stale', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(repository.deletePhoto(EVENT, PHOTO_ID, 'organizer-sub', later)).rejects.toThrow('3 attempts');
    expect(ddb.commandCalls(GetCommand)).toHaveLength(3);
  });
});
