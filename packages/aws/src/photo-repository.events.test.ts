import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PhotoEvent } from '@event-photos/core';
import { memberIdOf } from '#lib/membership-items';
import { PhotoRepository } from '#lib/photo-repository';

// The event methods of the repository: creation with its organizer's access item, the photo
// count, the organizer's update.
const TABLE = 'photos-test';
const ddb = mockClient(DynamoDBDocumentClient);
const repository = new PhotoRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), TABLE);

const event: PhotoEvent = {
  eventId: 'summit-2026',
  name: 'Summit 2026',
  description: 'Day one',
  open: true,
  organizerId: 'organizer-sub',
  createdAt: '2026-05-01T10:00:00.000Z',
};
const keys = { pk: 'EVENT#summit-2026', sk: 'EVENT' };
/** What events written before invites existed carry: the keys of an index of all events. */
const legacyIndexKeys = { gsi1pk: 'EVENTS', gsi1sk: '2026-05-01T10:00:00.000Z#summit-2026' };

beforeEach(() => {
  ddb.reset();
});

describe('createEvent / getEvent', () => {
  it("writes the event, only if absent, and its organizer's access item (gsi1: the organizer's events) in one transaction", async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await expect(repository.createEvent(event)).resolves.toBe(true);
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems).toEqual([
      { Put: { TableName: TABLE, Item: { ...keys, ...event }, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: TABLE,
          Item: {
            pk: 'EVENT#summit-2026',
            sk: `MEMBER#${memberIdOf('summit-2026', 'organizer-sub')}`,
            gsi1pk: 'MEMBER#organizer-sub',
            gsi1sk: '2026-05-01T10:00:00.000Z#summit-2026',
            eventId: 'summit-2026',
            userId: 'organizer-sub',
            organizer: true,
          },
        },
      },
    ]);
  });

  it('writes an event without an organizer alone', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const { organizerId: _organizer, ...legacy } = event;
    await expect(repository.createEvent(legacy)).resolves.toBe(true);
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems).toHaveLength(1);
  });

  it('answers false, overwriting nothing, when the event exists', async () => {
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    await expect(repository.createEvent(event)).resolves.toBe(false);
  });

  it('reads the event without any key, an older one without its index keys too', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...keys, ...legacyIndexKeys, ...event } });
    await expect(repository.getEvent('summit-2026')).resolves.toEqual(event);
  });
});

describe('countPhotos', () => {
  it('adds up COUNT pages of the sparse ready-time index: ready photos only', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Count: 1000, LastEvaluatedKey: { pk: 'EVENT#summit-2026', sk: 'PHOTO#x' } })
      .resolvesOnce({ Count: 7 });
    await expect(repository.countPhotos('summit-2026')).resolves.toBe(1007);
    const [first, second] = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(first).toEqual({
      TableName: TABLE,
      IndexName: 'byReady',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'EVENT#summit-2026' },
      Select: 'COUNT',
      ConsistentRead: true,
      ExclusiveStartKey: undefined,
    });
    expect(second!.ExclusiveStartKey).toEqual({ pk: 'EVENT#summit-2026', sk: 'PHOTO#x' });
  });

  it("counts one uploader's through the byUploader index", async () => {
    ddb.on(QueryCommand).resolves({ Count: 3 });
    await expect(repository.countPhotos('summit-2026', 'user-1')).resolves.toBe(3);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      IndexName: 'byUploader',
      KeyConditionExpression: 'pk = :pk AND begins_with(uploaderKey, :uploader)',
      ExpressionAttributeValues: { ':pk': 'EVENT#summit-2026', ':uploader': 'user-1#' },
      Select: 'COUNT',
      ConsistentRead: true,
      ExclusiveStartKey: undefined,
    });
  });

  it('is 0 for an event without photos', async () => {
    ddb.on(QueryCommand).resolves({ Count: 0 });
    await expect(repository.countPhotos('summit-2026')).resolves.toBe(0);
  });
});

describe('updateEvent', () => {
  it('sets only the given fields, on condition the caller organizes the event, and returns the new event', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { ...keys, ...event, open: false } });
    await expect(repository.updateEvent('summit-2026', 'organizer-sub', { open: false, name: 'Summit' })).resolves.toEqual({
      ...event,
      open: false,
    });
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'EVENT#summit-2026', sk: 'EVENT' },
      UpdateExpression: 'SET #f0 = :f0, #f1 = :f1',
      ConditionExpression: 'attribute_exists(pk) AND organizerId = :organizer',
      ExpressionAttributeNames: { '#f0': 'open', '#f1': 'name' },
      ExpressionAttributeValues: { ':organizer': 'organizer-sub', ':f0': false, ':f1': 'Summit' },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('returns null when the condition fails (event gone, or someone else organizes it)', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    await expect(repository.updateEvent('summit-2026', 'other-sub', { open: false })).resolves.toBeNull();
  });

  it('rethrows any other error', async () => {
    ddb.on(UpdateCommand).rejects(new Error('network down'));
    await expect(repository.updateEvent('summit-2026', 'organizer-sub', { open: false })).rejects.toThrow('network down');
  });
});
