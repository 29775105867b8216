import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

export type TransactAction = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Why DynamoDB cancelled one action of a transaction, with the item as it was when the action asked for it (ALL_OLD). */
export interface CancellationReason {
  /** `None` for an action that did not fail. */
  code: string;
  item?: Record<string, unknown>;
}

/**
 * A transaction that only met another one on the same items (no condition failed) is sent again
 * at once, this many times in all: the other one has finished or will soon, and a condition then
 * decides. Anything else is thrown.
 */
const CONFLICT_ATTEMPTS = 3;

/**
 * Applies the actions as one TransactWriteItems: undefined when it was applied, else the reasons
 * of its cancellation, in the order of the actions, when at least one condition failed.
 */
export async function transactWrite(db: DynamoDBDocumentClient, actions: TransactAction[]): Promise<CancellationReason[] | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: actions }));
      return undefined;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = (error.CancellationReasons ?? []).map(
        ({ Code, Item }): CancellationReason => ({ code: Code ?? 'None', ...(Item ? { item: itemOf(Item) } : {}) }),
      );
      if (reasons.some(({ code }) => code === 'ConditionalCheckFailed')) return reasons;
      if (attempt < CONFLICT_ATTEMPTS && reasons.some(({ code }) => code === 'TransactionConflict')) continue;
      throw error;
    }
  }
}

/** Whether action `index` of a cancelled transaction failed its condition. */
export const failed = (reasons: CancellationReason[], index: number) => reasons[index]?.code === 'ConditionalCheckFailed';

/**
 * An item as DynamoDB returns it in an error (a cancellation reason, a ConditionalCheckFailed with
 * ALL_OLD), which the document client leaves in the wire form: as the document client reads items
 * (numbers as numbers, sets as Sets).
 */
export function itemOf(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, nativeValue(value)]));
}

function nativeValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return itemOf(value.M);
  if (value.L !== undefined) return value.L.map(nativeValue);
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) return new Set(value.NS.map(Number));
  if (value.B !== undefined) return value.B;
  if (value.BS !== undefined) return new Set(value.BS);
  throw new Error(`Unknown DynamoDB attribute value: ${Object.keys(value).join(', ')}`);
}

/** An Update's `SET` of these attributes to these values, each through a placeholder (any name is safe, reserved words too). */
export function setAttributes(fields: Record<string, unknown>) {
  const names = Object.keys(fields);
  return {
    UpdateExpression: `SET ${names.map((name) => `#${name} = :${name}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(names.map((name) => [`#${name}`, name])),
    ExpressionAttributeValues: Object.fromEntries(names.map((name) => [`:${name}`, fields[name]])),
  };
}
