import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError, type PhotoEvent } from '@event-photos/core';
import { PhotoRepository } from '#lib/photo-repository';

// The event methods of the repository: the events index, the photo count, the organizer's update.
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
const keys = { pk: 'EVENT#summit-2026', sk: 'EVENT', gsi1pk: 'EVENTS', gsi1sk: '2026-05-01T10:00:00.000Z#summit-2026' };

beforeEach(() => {
  ddb.reset();
});

describe('createEvent / getEvent', () => {
  it('writes the event with its events-index keys, only if absent', async () => {
    ddb.on(PutCommand).resolves({});
    await expect(repository.createEvent(event)).resolves.toBe(true);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Item: { ...keys, ...event },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('answers false, overwriting nothing, when the event exists', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    await expect(repository.createEvent(event)).resolves.toBe(false);
  });

  it('reads the event without any key', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...keys, ...event } });
    await expect(repository.getEvent('summit-2026')).resolves.toEqual(event);
  });
});

describe('listEvents', () => {
  it('queries the events index newest first, with the limit', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ ...keys, ...event }] });
    await expect(repository.listEvents({ limit: 10 })).resolves.toEqual({ items: [event], nextCursor: null });
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :events',
      ExpressionAttributeValues: { ':events': 'EVENTS' },
      ScanIndexForward: false,
      Limit: 10,
      ExclusiveStartKey: undefined,
    });
  });

  it('turns LastEvaluatedKey into an opaque cursor that round-trips into ExclusiveStartKey', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ ...keys, ...event }], LastEvaluatedKey: keys })
      .resolvesOnce({ Items: [] });
    const first = await repository.listEvents({ limit: 1 });
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(first.nextCursor).not.toContain('summit');

    await repository.listEvents({ limit: 1, cursor: first.nextCursor! });
    expect(ddb.commandCalls(QueryCommand)[1]!.args[0].input.ExclusiveStartKey).toEqual(keys);
  });

  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    'garbage',
    '',
    cursorOf({ v: 1 }),
    cursorOf({ v: 2, createdAt: event.createdAt, eventId: 'summit-2026' }),
    cursorOf({ v: 1, createdAt: event.createdAt, eventId: '../x' }),
    cursorOf({ v: 1, createdAt: 'yesterday', eventId: 'summit-2026' }),
    cursorOf({ v: 1, after: '01890a5d-ac96-774b-bcce-b302099a8057' }), // a photo list cursor
    cursorOf(null),
  ])('rejects the cursor %j with a ValidationError on field cursor, without querying', async (cursor) => {
    const error = await repository.listEvents({ limit: 1, cursor }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('cursor');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
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
