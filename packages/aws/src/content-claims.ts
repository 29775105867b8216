import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unlessConditionFails } from '#lib/conditional-write';
import type { ContentClaimStore } from '@event-photos/core';
import { eventPk, hashSk, uploadSk } from '#lib/table-keys';

/**
 * The writes of deduplication (the HASH# items of photo-repository.ts and the `duplicate` mark of
 * an upload), apart from PhotoRepository so that the routes that never write them do not bundle them.
 */
export class ContentClaims implements ContentClaimStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Claims the event's hash for photoId. True when it now names photoId (a new claim, or a
   * redelivery of the claim's own photo); false when another photo holds it.
   */
  async claimHash(eventId: string, sha256: string, photoId: string, now = new Date()): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: eventPk(eventId), sk: hashSk(sha256), sha256, photoId, claimedAt: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR photoId = :photoId',
        ExpressionAttributeValues: { ':photoId': photoId },
      }),
    );
  }

  /** Moves a stale claim from `fromPhotoId` to photoId; false when the claim changed meanwhile. */
  async takeOverHashClaim(eventId: string, sha256: string, fromPhotoId: string, photoId: string, now = new Date()): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: eventPk(eventId), sk: hashSk(sha256) },
        UpdateExpression: 'SET photoId = :photoId, claimedAt = :now',
        ConditionExpression: 'photoId = :from',
        ExpressionAttributeValues: { ':photoId': photoId, ':from': fromPhotoId, ':now': now.toISOString() },
      }),
    );
  }

  /** Frees the hash for a new upload, only while it still names photoId (another photo may have taken it over). */
  async releaseHash(eventId: string, sha256: string, photoId: string): Promise<void> {
    await this.conditional(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: eventPk(eventId), sk: hashSk(sha256) },
        ConditionExpression: 'photoId = :photoId',
        ExpressionAttributeValues: { ':photoId': photoId },
      }),
    );
  }

  /** Marks an upload a duplicate of another photo of the event. Never touches an upload a user deleted. */
  async markUploadDuplicate(eventId: string, photoId: string, duplicateOf: string, now = new Date()): Promise<void> {
    await this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: eventPk(eventId), sk: uploadSk(photoId) },
        UpdateExpression: 'SET #status = :duplicate, duplicateOf = :of, duplicateAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#status) OR #status <> :deleted)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':duplicate': 'duplicate', ':of': duplicateOf, ':now': now.toISOString(), ':deleted': 'deleted' },
      }),
    );
  }

  /** Sends a conditional write; false when its condition did not hold. */
  private async conditional(command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
    return (await unlessConditionFails(this.db.send(command as PutCommand))) !== undefined;
  }
}
