import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ContentClaims } from '#lib/content-claims';

// The DynamoDB writes behind the hash claims; what they mean is the ContentClaimStore contract,
// which also runs against the local DynamoDB (tests/e2e/src/store-contracts.integration.test.ts).
const TABLE = 'photos-test';
const ddb = mockClient(DynamoDBDocumentClient);
const claims = new ContentClaims(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), TABLE);

const SHA = 'ab'.repeat(32);
const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const OTHER_ID = '01890a5d-ac96-774b-bcce-b302099a8058';
const NOW = new Date('2026-05-01T10:01:00.000Z');
const claimKey = { pk: 'EVENT#summit-2026', sk: `HASH#${SHA}` };
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

beforeEach(() => {
  ddb.reset();
});

describe('claimHash', () => {
  it('puts the claim in the event partition unless another photo holds it', async () => {
    ddb.on(PutCommand).resolves({});
    await expect(claims.claimHash('summit-2026', SHA, PHOTO_ID, NOW)).resolves.toBe(true);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Item: { ...claimKey, sha256: SHA, photoId: PHOTO_ID, claimedAt: NOW.toISOString() },
      ConditionExpression: 'attribute_not_exists(pk) OR photoId = :photoId',
      ExpressionAttributeValues: { ':photoId': PHOTO_ID },
    });
  });

  it('answers false when the condition fails, and rethrows anything else', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    await expect(claims.claimHash('summit-2026', SHA, PHOTO_ID, NOW)).resolves.toBe(false);
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    ddb.on(PutCommand).rejects(throttled);
    await expect(claims.claimHash('summit-2026', SHA, PHOTO_ID, NOW)).rejects.toBe(throttled);
  });
});

describe('takeOverHashClaim', () => {
  it('moves the claim on condition it still names the stale photo', async () => {
    ddb.on(UpdateCommand).resolves({});
    await expect(claims.takeOverHashClaim('summit-2026', SHA, OTHER_ID, PHOTO_ID, NOW)).resolves.toBe(true);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: claimKey,
      UpdateExpression: 'SET photoId = :photoId, claimedAt = :now',
      ConditionExpression: 'photoId = :from',
      ExpressionAttributeValues: { ':photoId': PHOTO_ID, ':from': OTHER_ID, ':now': NOW.toISOString() },
    });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(claims.takeOverHashClaim('summit-2026', SHA, OTHER_ID, PHOTO_ID, NOW)).resolves.toBe(false);
  });
});

describe('releaseHash', () => {
  it('deletes the claim only while it names the photo, quietly otherwise', async () => {
    ddb.on(DeleteCommand).resolves({});
    await claims.releaseHash('summit-2026', SHA, PHOTO_ID);
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: claimKey,
      ConditionExpression: 'photoId = :photoId',
      ExpressionAttributeValues: { ':photoId': PHOTO_ID },
    });
    ddb.on(DeleteCommand).rejects(conditionFailed());
    await expect(claims.releaseHash('summit-2026', SHA, PHOTO_ID)).resolves.toBeUndefined();
  });
});

describe('markUploadDuplicate', () => {
  it('marks the existing upload, unless it was deleted', async () => {
    ddb.on(UpdateCommand).resolves({});
    await claims.markUploadDuplicate('summit-2026', PHOTO_ID, OTHER_ID, NOW);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: 'EVENT#summit-2026', sk: `UPLOAD#${PHOTO_ID}` },
      UpdateExpression: 'SET #status = :duplicate, duplicateOf = :of, duplicateAt = :now',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#status) OR #status <> :deleted)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':duplicate': 'duplicate', ':of': OTHER_ID, ':now': NOW.toISOString(), ':deleted': 'deleted' },
    });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(claims.markUploadDuplicate('summit-2026', PHOTO_ID, OTHER_ID, NOW)).resolves.toBeUndefined();
  });
});
