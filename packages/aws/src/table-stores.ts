import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchedGets } from '#lib/batched-gets';
import { MembershipRepository } from '#lib/membership-repository';
import { PhotoRepository } from '#lib/photo-repository';

/**
 * The stores of one table that a handler uses together, sharing their batched reads: the event and
 * the caller's membership, read at the start of every request about an event, go out as one
 * BatchGetItem.
 */
export function tableStores(db: DynamoDBDocumentClient, tableName: string) {
  const gets = new BatchedGets(db, tableName);
  return { photos: new PhotoRepository(db, tableName, gets), members: new MembershipRepository(db, tableName, gets) };
}
