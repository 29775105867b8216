import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
  type AttributeValue,
  type CancellationReason,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ValidationError, type Membership, type PhotoEvent } from '@event-photos/core';
import { memberIdOf } from '#lib/membership-items';
import { tableStores } from '#lib/table-stores';

// The requests of the MembershipRepository: each access pattern's exact DynamoDB call. What they
// decide is the contract suite's (run on the local DynamoDB in tests/e2e).
const TABLE = 'photos-test';
const ddb = mockClient(DynamoDBDocumentClient);
const { photos, members } = tableStores(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), TABLE);

const EVENT = 'summit-2026';
const PK = `EVENT#${EVENT}`;
const NOW = new Date('2026-05-01T10:00:00.000Z');
const CODE_HASH = 'c0de'.repeat(16);
const INVITE_ID = CODE_HASH.slice(0, 32);
const MEMBER_ID = memberIdOf(EVENT, 'ana-sub');
const event: PhotoEvent = { eventId: EVENT, name: 'Summit', organizerId: 'org-sub', createdAt: '2026-04-01T00:00:00.000Z' };
const rights = { upload: true, viewOthers: false, downloadOriginals: false };
const inviteItem = {
  pk: PK,
  sk: `INVITE#${INVITE_ID}`,
  eventId: EVENT,
  inviteId: INVITE_ID,
  codeHash: CODE_HASH,
  ...rights,
  expiresAt: null,
  createdAt: NOW.toISOString(),
};
const membership: Membership = {
  eventId: EVENT,
  memberId: MEMBER_ID,
  userId: 'ana-sub',
  displayName: 'Ana',
  joinedAt: NOW.toISOString(),
  ...rights,
};
const accessItem = { pk: PK, sk: `MEMBER#${MEMBER_ID}`, gsi1pk: 'MEMBER#ana-sub', gsi1sk: `${event.createdAt}#${EVENT}`, ...membership };

/** An item in the wire form DynamoDB puts into its errors (strings and booleans are all these items hold). */
const wire = (item: Record<string, unknown>): Record<string, AttributeValue> =>
  Object.fromEntries(
    Object.entries(item).map(([name, value]) => [name, typeof value === 'boolean' ? { BOOL: value } : { S: String(value) }]),
  );

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({
    message: 'cancelled',
    $metadata: {},
    CancellationReasons: codes.map(
      (Code): CancellationReason => (Code === 'ALL_OLD' ? { Code: 'ConditionalCheckFailed', Item: wire(accessItem) } : { Code }),
    ),
  });
}

beforeEach(() => {
  ddb.reset();
});

describe('the per-request access check', () => {
  it("reads the event and the caller's access item in one consistent BatchGetItem", async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [{ pk: PK, sk: 'EVENT', ...event }, accessItem] } });
    await expect(Promise.all([photos.getEvent(EVENT), members.getMembership(EVENT, 'ana-sub')])).resolves.toEqual([event, membership]);
    expect(ddb.commandCalls(BatchGetCommand)[0]!.args[0].input).toEqual({
      RequestItems: {
        [TABLE]: {
          Keys: [
            { pk: PK, sk: 'EVENT' },
            { pk: PK, sk: `MEMBER#${MEMBER_ID}` },
          ],
          ConsistentRead: true,
        },
      },
    });
  });

  it("finds no membership in an organizer's record alone", async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: PK, sk: `MEMBER#${memberIdOf(EVENT, 'org-sub')}`, userId: 'org-sub', organizer: true } });
    await expect(members.getMembership(EVENT, 'org-sub')).resolves.toBeNull();
  });
});

describe('join', () => {
  const readEventAndInvite = (invite: Record<string, unknown> | null = inviteItem) =>
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [{ pk: PK, sk: 'EVENT', ...event }, ...(invite ? [invite] : [])] } });
  const inviteCheck = {
    ConditionCheck: {
      TableName: TABLE,
      Key: { pk: PK, sk: `INVITE#${INVITE_ID}` },
      ConditionExpression:
        'codeHash = :hash AND attribute_not_exists(revokedAt) AND (attribute_type(expiresAt, :null) OR expiresAt > :now)',
      ExpressionAttributeValues: { ':hash': CODE_HASH, ':null': 'NULL', ':now': NOW.toISOString() },
    },
  };

  it('reads the event and the invite together, then checks the invite and sets the membership in one transaction', async () => {
    readEventAndInvite();
    ddb.on(TransactWriteCommand).resolves({});
    await expect(members.join(EVENT, CODE_HASH, { userId: 'ana-sub', displayName: 'Ana' }, NOW)).resolves.toEqual({
      outcome: 'joined',
      membership,
    });
    expect(ddb.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems![TABLE]!.Keys).toEqual([
      { pk: PK, sk: 'EVENT' },
      { pk: PK, sk: `INVITE#${INVITE_ID}` },
    ]);
    const fields = { ...membership, gsi1pk: 'MEMBER#ana-sub', gsi1sk: `${event.createdAt}#${EVENT}` };
    expect(ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems).toEqual([
      inviteCheck,
      {
        Update: {
          TableName: TABLE,
          Key: { pk: PK, sk: `MEMBER#${MEMBER_ID}` },
          UpdateExpression: `SET ${Object.keys(fields)
            .map((name) => `#${name} = :${name}`)
            .join(', ')}`,
          ConditionExpression: 'attribute_not_exists(memberId)',
          ExpressionAttributeNames: Object.fromEntries(Object.keys(fields).map((name) => [`#${name}`, name])),
          ExpressionAttributeValues: Object.fromEntries(Object.entries(fields).map(([name, value]) => [`:${name}`, value])),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ]);
  });

  it.each([
    ['no invite', null],
    ['another hash under the same id', { ...inviteItem, codeHash: `${INVITE_ID}${'0'.repeat(32)}` }],
    ['a revoked invite', { ...inviteItem, revokedAt: NOW.toISOString() }],
    ['an expired invite', { ...inviteItem, expiresAt: NOW.toISOString() }],
  ])('answers invalid for %s without writing', async (_name, invite) => {
    readEventAndInvite(invite);
    await expect(members.join(EVENT, CODE_HASH, { userId: 'ana-sub', displayName: 'Ana' }, NOW)).resolves.toEqual({ outcome: 'invalid' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers invalid when the invite is revoked between the read and the transaction', async () => {
    readEventAndInvite();
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    await expect(members.join(EVENT, CODE_HASH, { userId: 'ana-sub', displayName: 'Ana' }, NOW)).resolves.toEqual({ outcome: 'invalid' });
  });

  it('answers a member their membership as it is (ALL_OLD) when the invite gives nothing more; widens it otherwise', async () => {
    readEventAndInvite();
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ALL_OLD'));
    await expect(members.join(EVENT, CODE_HASH, { userId: 'ana-sub', displayName: 'Ana' }, NOW)).resolves.toEqual({
      outcome: 'alreadyMember',
      membership,
    });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);

    ddb.reset();
    readEventAndInvite({ ...inviteItem, viewOthers: true });
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'ALL_OLD')).resolves({});
    await expect(members.join(EVENT, CODE_HASH, { userId: 'ana-sub', displayName: 'Ana' }, NOW)).resolves.toEqual({
      outcome: 'alreadyMember',
      membership: { ...membership, viewOthers: true },
    });
    expect(ddb.commandCalls(TransactWriteCommand)[1]!.args[0].input.TransactItems).toEqual([
      { ...inviteCheck },
      {
        Update: {
          TableName: TABLE,
          Key: { pk: PK, sk: `MEMBER#${MEMBER_ID}` },
          UpdateExpression: 'SET upload = :upload, viewOthers = :viewOthers, downloadOriginals = :downloadOriginals',
          ConditionExpression: 'memberId = :memberId',
          ExpressionAttributeValues: { ':upload': true, ':viewOthers': true, ':downloadOriginals': false, ':memberId': MEMBER_ID },
        },
      },
    ]);
  });
});

describe('invites', () => {
  it('puts an invite under the id its hash gives it, with the hash, only if new', async () => {
    ddb.on(PutCommand).resolves({});
    const invite = { eventId: EVENT, ...rights, expiresAt: null, createdAt: NOW.toISOString() };
    await expect(members.createInvite(invite, CODE_HASH)).resolves.toEqual({ ...invite, inviteId: INVITE_ID });
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Item: inviteItem,
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('queries the INVITE# items of the event, consistently, and shows no hash', async () => {
    ddb.on(QueryCommand).resolves({ Items: [inviteItem] });
    const [listed] = await members.listInvites(EVENT);
    expect(listed).not.toHaveProperty('codeHash');
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': PK, ':prefix': 'INVITE#' },
      ConsistentRead: true,
    });
  });

  it('revokes with one UpdateItem that keeps the first time, on condition the invite exists', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { ...inviteItem, revokedAt: NOW.toISOString() } });
    await expect(members.revokeInvite(EVENT, INVITE_ID, NOW)).resolves.toMatchObject({ inviteId: INVITE_ID, revokedAt: NOW.toISOString() });
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `INVITE#${INVITE_ID}` },
      UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':now': NOW.toISOString() },
      ReturnValues: 'ALL_NEW',
    });
  });
});

describe('members', () => {
  it('lists with a consistent Query of MEMBER# items that are memberships, and pages by member id', async () => {
    ddb.on(QueryCommand).resolves({ Items: [accessItem], LastEvaluatedKey: { pk: PK, sk: `MEMBER#${MEMBER_ID}` } });
    const page = await members.listMembers(EVENT, { limit: 1 });
    expect(page.items).toEqual([membership]);
    await members.listMembers(EVENT, { limit: 1, cursor: page.nextCursor! });
    const [first, second] = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(first).toEqual({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'attribute_exists(memberId)',
      ExpressionAttributeValues: { ':pk': PK, ':prefix': 'MEMBER#' },
      ConsistentRead: true,
      Limit: 1,
      ExclusiveStartKey: undefined,
    });
    expect(second!.ExclusiveStartKey).toEqual({ pk: PK, sk: `MEMBER#${MEMBER_ID}` });
  });

  it("removes a member with one conditional DeleteItem; the organizer's own membership with an UpdateItem that keeps their record", async () => {
    ddb.on(DeleteCommand).resolvesOnce({});
    await expect(members.removeMember(EVENT, MEMBER_ID)).resolves.toBe(true);
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `MEMBER#${MEMBER_ID}` },
      ConditionExpression: 'attribute_exists(memberId) AND attribute_not_exists(organizer)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });

    ddb.reset();
    ddb
      .on(DeleteCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {}, Item: wire({ ...accessItem, organizer: true }) }));
    ddb.on(UpdateCommand).resolves({});
    await expect(members.removeMember(EVENT, MEMBER_ID)).resolves.toBe(true);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: PK, sk: `MEMBER#${MEMBER_ID}` },
      UpdateExpression: 'REMOVE memberId, displayName, joinedAt, upload, viewOthers, downloadOriginals',
      ConditionExpression: 'attribute_exists(memberId)',
    });

    ddb.reset();
    ddb.on(DeleteCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    await expect(members.removeMember(EVENT, MEMBER_ID)).resolves.toBe(false);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe("a user's events", () => {
  it('queries gsi1 newest first, then reads the events and access items again in one consistent BatchGetItem', async () => {
    ddb.on(QueryCommand).resolves({ Items: [accessItem], LastEvaluatedKey: { ...accessItem } });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [{ pk: PK, sk: 'EVENT', ...event }, accessItem] } });
    const page = await members.listEventsOf('ana-sub', { limit: 1 });
    expect(page.items).toEqual([{ event, membership }]);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :user',
      ExpressionAttributeValues: { ':user': 'MEMBER#ana-sub' },
      ScanIndexForward: false,
      Limit: 1,
      ExclusiveStartKey: undefined,
    });
    expect(ddb.commandCalls(BatchGetCommand)[0]!.args[0].input).toEqual({
      RequestItems: {
        [TABLE]: {
          Keys: [
            { pk: PK, sk: 'EVENT' },
            { pk: PK, sk: `MEMBER#${MEMBER_ID}` },
          ],
          ConsistentRead: true,
        },
      },
    });
    await members.listEventsOf('ana-sub', { limit: 1, cursor: page.nextCursor! });
    expect(ddb.commandCalls(QueryCommand)[1]!.args[0].input.ExclusiveStartKey).toEqual({
      pk: PK,
      sk: `MEMBER#${MEMBER_ID}`,
      gsi1pk: 'MEMBER#ana-sub',
      gsi1sk: `${event.createdAt}#${EVENT}`,
    });
  });

  it('leaves out an entry the index still shows after the removal (the table has no access item any more)', async () => {
    ddb.on(QueryCommand).resolves({ Items: [accessItem] });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [{ pk: PK, sk: 'EVENT', ...event }] } });
    await expect(members.listEventsOf('ana-sub', { limit: 10 })).resolves.toEqual({ items: [], nextCursor: null });
  });

  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    'garbage',
    cursorOf({ v: 2, after: `${NOW.toISOString()}#01890a5d-ac96-774b-bcce-b302099a8057` }), // a photo-list cursor
    cursorOf({ v: 3, memberId: MEMBER_ID }), // a member-list cursor
    cursorOf({ v: 1, createdAt: event.createdAt, eventId: '../x' }),
    cursorOf({ v: 1, createdAt: 'yesterday', eventId: EVENT }),
  ])('rejects the cursor %j with a ValidationError on field cursor, without querying', async (cursor) => {
    const error = await members.listEventsOf('ana-sub', { limit: 1, cursor }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('cursor');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

describe('join attempts', () => {
  const limit = { attempts: 10, windowSeconds: 900 };
  it('counts with one conditional UpdateItem in the user partition, the TTL a window past the window', async () => {
    ddb.on(UpdateCommand).resolves({});
    await expect(members.countJoinAttempt('ana-sub', limit, new Date('2026-05-01T10:05:00.000Z'))).resolves.toEqual({ allowed: true });
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'USER#ana-sub', sk: 'JOINS#2026-05-01T10:00:00.000Z' },
      UpdateExpression: 'SET #ttl = if_not_exists(#ttl, :ttl) ADD attempts :one',
      ConditionExpression: 'attribute_not_exists(attempts) OR attempts < :max',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':ttl': Date.parse('2026-05-01T10:30:00.000Z') / 1000, ':one': 1, ':max': 10 },
    });
  });

  it('refuses, with the seconds left in the window, when the condition fails', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    await expect(members.countJoinAttempt('ana-sub', limit, new Date('2026-05-01T10:05:00.000Z'))).resolves.toEqual({
      allowed: false,
      retryAfterSeconds: 600,
    });
  });
});
