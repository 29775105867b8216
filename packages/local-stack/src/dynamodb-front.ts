import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { API, type Answer, dynaliteCaller, errorAnswer, finished, replay, send } from '#lib/dynamodb-dynalite';
import { ReadWriteLock } from '#lib/dynamodb-lock';
import { IdempotencyTokens, singleWrite, transactGetItems, transactWriteItems } from '#lib/dynamodb-transactions';

/**
 * The operations that only read: they share the lock. Every other request (PutItem, UpdateItem,
 * DeleteItem, BatchWriteItem, TransactWriteItems, the table operations, and any unknown one)
 * holds it alone, from its start until its answer is sent.
 *
 * So writes are serialised, which makes a transaction's check-then-apply atomic with respect to
 * every other write; and no read runs while any write does, so a reader (GetItem, Query, Scan,
 * TransactGetItems, …) never sees a transaction half-applied, and TransactGetItems reads its items
 * together, with no write in between. Reads still run side by side. The price, for a local
 * emulator a small one: a read waits for the writes that came before it, and a write for the
 * reads that came before it (first come, first served, so neither starves).
 */
const SHARED = new Set([
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'TransactGetItems',
  'DescribeTable',
  'ListTables',
  'DescribeTimeToLive',
  'ListTagsOfResource',
]);

/** What the front answers itself (dynalite lacks them); everything else is dynalite's. */
const OWN = new Set(['TransactWriteItems', 'TransactGetItems', 'PutItem', 'UpdateItem', 'DeleteItem']);
const JSON_TYPES = new Set(['application/json', 'application/x-amz-json-1.0']);

export interface DynamoDbFront {
  /** Answers one complete request, under the lock. Never rejects. */
  serve(request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void>;
  /** Stops answering (new requests are dropped, queued ones too) and waits until nothing holds the lock. */
  drain(): Promise<void>;
  /** Answers again after `drain`. */
  reopen(): void;
  /** Requests received, by operation (`unknown` when the target names none). */
  readonly requestCounts: Record<string, number>;
}

export function createFront(handlers: RequestListener[]): DynamoDbFront {
  const lock = new ReadWriteLock();
  const tokens = new IdempotencyTokens();
  let draining = false;
  const requestCounts: Record<string, number> = {};
  return {
    requestCounts,
    async serve(request, response, body) {
      if (draining) return void response.destroy();
      const operation = operationOf(request);
      const counted = operation ?? 'unknown';
      requestCounts[counted] = (requestCounts[counted] ?? 0) + 1;
      const release = await lock.acquire(!SHARED.has(operation ?? ''));
      try {
        // The client is gone, or the emulator is pausing: nobody to answer.
        if (draining || response.destroyed) return void response.destroy();
        const answer = await ownAnswer(operation, request, body, handlers, tokens);
        if (answer) return send(response, answer);
        const sent = finished(response);
        replay(handlers, request, body, response);
        await sent;
      } catch (error) {
        console.error('The local DynamoDB failed to answer a request:', error);
        send(response, errorAnswer('InternalServerError', 'Internal server error', {}, 500));
      } finally {
        release();
      }
    },
    async drain() {
      draining = true;
      await lock.idle();
    },
    reopen() {
      draining = false;
    },
  };
}

function operationOf(request: IncomingMessage): string | undefined {
  const [api, operation, ...rest] = String(request.headers['x-amz-target'] ?? '').split('.');
  return api === API && operation && rest.length === 0 ? operation : undefined;
}

/**
 * The front's own answer, or undefined to let dynalite answer (which also refuses, as it always
 * did, what is not a JSON POST: a wrong content type, a body that is not JSON).
 */
async function ownAnswer(
  operation: string | undefined,
  request: IncomingMessage,
  body: Buffer,
  handlers: RequestListener[],
  tokens: IdempotencyTokens,
): Promise<Answer | undefined> {
  if (!operation || !OWN.has(operation) || request.method !== 'POST') return undefined;
  if (body.length === 0)
    return operation.startsWith('Transact')
      ? errorAnswer('SerializationException', 'Start of structure or map found where not expected')
      : undefined;
  if (
    !JSON_TYPES.has(
      String(request.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim(),
    )
  )
    return undefined;
  let input: unknown;
  try {
    input = JSON.parse(body.toString());
  } catch {
    return undefined;
  }
  const call = dynaliteCaller(handlers, request);
  if (operation === 'TransactWriteItems') return transactWriteItems(input, call, tokens);
  if (operation === 'TransactGetItems') return transactGetItems(input, call);
  return input && typeof input === 'object' && !Array.isArray(input)
    ? singleWrite(operation, input as Record<string, unknown>, call)
    : undefined;
}
