import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { newExport } from '@event-photos/core';
import { memberIdOf } from '#lib/membership-items';
import { ExportRepository } from '#lib/export-repository';

// The requests of the ExportRepository: each access pattern's DynamoDB call. What they decide is
// the contract suite's (run on the local DynamoDB in tests/e2e/src/store-contracts.integration.test.ts).
const TABLE = 'photos-test';
const ddb = mockClient(DynamoDBDocumentClient);
const exports = new ExportRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), TABLE);

const EVENT = 'summit-2026';
const PK = `EVENT#${EVENT}`;
const NOW = new Date('2026-05-01T10:00:00.000Z');
const EXPORT_ID = '9b2e4f0c-51f3-4c6e-9f0a-2d7f4c1b8e3a';
const HELD_ID = '9b2e4f0c-51f3-4c6e-9f0a-000000000001';
const record = newExport({ eventId: EVENT, exportId: EXPORT_ID, requesterId: 'ana-sub', asOrganizer: false, eventName: 'Summit' }, NOW);
const LOCK_SK = `EXPORTING#${memberIdOf(EVENT, 'ana-sub')}`;

/** A transaction cancelled because the requester's lock is held by `exportId`. */
const lockHeldBy = (exportId: string) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [
      { Code: 'ConditionalCheckFailed', Item: { exportId: { S: exportId }, deadline: { S: record.deadline } } },
      { Code: 'None' },
    ],
  });

beforeEach(() => {
  ddb.reset();
});

describe('ExportRepository', () => {
  it('starts an export in one transaction: the lock unless one is running, and the record, each with its TTL', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await expect(exports.startExport(record, NOW)).resolves.toEqual({ started: true, export: record });
    const [lock, item] = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(lock!.Put).toEqual({
      TableName: TABLE,
      Item: { pk: PK, sk: LOCK_SK, exportId: EXPORT_ID, deadline: record.deadline, ttl: Date.parse(record.deadline) / 1000 },
      ConditionExpression: 'attribute_not_exists(pk) OR #deadline <= :now',
      ExpressionAttributeNames: { '#deadline': 'deadline' },
      ExpressionAttributeValues: { ':now': NOW.toISOString() },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(item!.Put).toEqual({
      TableName: TABLE,
      Item: { pk: PK, sk: `EXPORT#${EXPORT_ID}`, ...record, ttl: Date.parse(record.expiresAt) / 1000 },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('answers the running export when the lock is held, reading it consistently', async () => {
    const held = { ...record, exportId: HELD_ID };
    ddb.on(TransactWriteCommand).rejects(lockHeldBy(HELD_ID));
    ddb.on(GetCommand).resolves({ Item: { pk: PK, sk: `EXPORT#${HELD_ID}`, ...held, ttl: 1, runId: 'run-1', runUntil: 'x' } });
    await expect(exports.startExport(record, NOW)).resolves.toEqual({ started: false, export: held });
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `EXPORT#${HELD_ID}` },
      ConsistentRead: true,
    });
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('frees a lock left on an export that is over, then starts', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(lockHeldBy(HELD_ID)).resolves({});
    ddb.on(GetCommand).resolves({ Item: { pk: PK, sk: `EXPORT#${HELD_ID}`, ...record, exportId: HELD_ID, status: 'ready' } });
    ddb.on(DeleteCommand).resolves({});
    await expect(exports.startExport(record, NOW)).resolves.toEqual({ started: true, export: record });
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: LOCK_SK },
      ConditionExpression: 'exportId = :id',
      ExpressionAttributeValues: { ':id': HELD_ID },
    });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it("finishes on condition the run holds it, then frees the requester's lock", async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { ...record, status: 'failed' } });
    ddb.on(DeleteCommand).resolves({});
    const outcome = { status: 'failed' as const, reason: 'Too long', photos: 1, skipped: 2, bytes: 3 };
    await expect(exports.finishExport(EVENT, EXPORT_ID, 'run-1', outcome, NOW)).resolves.toBe(true);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: PK, sk: `EXPORT#${EXPORT_ID}` },
      UpdateExpression:
        'SET #status = :status, photos = :photos, skipped = :skipped, bytes = :bytes, finishedAt = :now, reason = :reason REMOVE runId, runUntil',
      ConditionExpression: 'attribute_exists(pk) AND #status = :running AND runId = :run',
      ExpressionAttributeValues: { ':status': 'failed', ':reason': 'Too long', ':run': 'run-1', ':running': 'running' },
    });
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input.Key).toEqual({ pk: PK, sk: LOCK_SK });
  });
});
