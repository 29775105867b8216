// DynamoDB requests per photo of the write path (initiate-upload, then processing by the stack's
// own S3 trigger), by operation: counted by the local DynamoDB, which sees every request with its
// X-Amz-Target, over uploads made while nothing else runs against the stack.
import { createHash } from 'node:crypto';
import { PhotoRepository, createDocumentClient } from '@event-photos/aws';
import { localResourcesOf, type LocalStack } from '@event-photos/local-stack';
import { jpegBytes } from '@event-photos/testing/fixtures';
import { idTokenOf } from './sign-in.ts';
import { uploadThroughApi } from './upload.ts';

/** Photos uploaded for the count (after the measured run: every instance warm). */
export const COUNTED_PHOTOS = 20;

export type DynamoDbRequests =
  | {
      photos: number;
      /** Requests per photo by operation (BatchGetItem, TransactWriteItems, UpdateItem, …). */
      perPhoto: Record<string, number>;
      total: number;
    }
  | { unavailable: string };

type Counts = Record<string, number>;

/**
 * The stack's count of DynamoDB requests by operation, if it keeps one: `stack.dynamodb.requestCounts()`
 * (the operation of each request received, from its X-Amz-Target; across the emulator's thread, so
 * perhaps a promise).
 */
function requestCounter(dynamodb: object): (() => Promise<Counts>) | undefined {
  if (!('requestCounts' in dynamodb) || typeof dynamodb.requestCounts !== 'function') return undefined;
  const requestCounts = dynamodb.requestCounts as () => Counts | Promise<Counts>;
  return async () => {
    const counts = await requestCounts.call(dynamodb);
    if (!counts || typeof counts !== 'object' || Object.values(counts).some((count) => typeof count !== 'number'))
      throw new Error(`stack.dynamodb.requestCounts() answered ${JSON.stringify(counts)}, not counts by operation`);
    return { ...counts };
  };
}

/**
 * Uploads COUNTED_PHOTOS photos of `bytes` bytes through initiate-upload and the presigned PUT,
 * `concurrency` at a time, waits until the stack's trigger has processed them all, and divides
 * what the local DynamoDB answered meanwhile by the photos. Nothing else may use the stack
 * meanwhile (the load generator has exited). Throws unless every photo became ready.
 */
export async function countDynamoDbRequests(
  stack: LocalStack,
  { concurrency, bytes, declareSha256 }: { concurrency: number; bytes: number; declareSha256: boolean },
): Promise<DynamoDbRequests> {
  const counter = requestCounter(stack.dynamodb);
  if (!counter) return { unavailable: 'the local stack keeps no count of DynamoDB requests: it has no stack.dynamodb.requestCounts()' };
  const { outputs } = stack;
  const token = await idTokenOf(outputs, 'attendee');
  const photos = Array.from({ length: COUNTED_PHOTOS }, (_, n) => {
    const body = new Uint8Array(jpegBytes(bytes));
    return { body, title: `Counted ${n}`, sha256: createHash('sha256').update(body).digest('hex') };
  });
  const photoIds: string[] = [];
  const before = await counter();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, COUNTED_PHOTOS) }, async () => {
      while (next < photos.length) {
        const { body, title, sha256 } = photos[next++]!;
        const fields = declareSha256 ? { title, sha256 } : { title };
        photoIds.push((await uploadThroughApi(outputs.apiUrl, token, outputs.demoEventId, body, fields)).photoId);
      }
    }),
  );
  await stack.notifications.idle();
  const after = await counter();
  const documents = createDocumentClient({
    endpoint: outputs.dynamodbEndpoint,
    region: outputs.region,
    credentials: localResourcesOf(outputs).credentials,
  });
  try {
    const repository = new PhotoRepository(documents, outputs.tableName);
    const ready = await Promise.all(photoIds.map((photoId) => repository.getPhoto(outputs.demoEventId, photoId)));
    const notReady = photoIds.filter((_, i) => !ready[i]);
    if (notReady.length > 0) throw new Error(`counting DynamoDB requests: ${notReady.length} of the photos did not become ready`);
  } finally {
    documents.destroy();
  }
  const perPhoto = Object.fromEntries(
    Object.keys(after)
      .sort()
      .map((operation) => [operation, ((after[operation] ?? 0) - (before[operation] ?? 0)) / COUNTED_PHOTOS] as const)
      .filter(([, count]) => count > 0),
  );
  return { photos: COUNTED_PHOTOS, perPhoto, total: Object.values(perPhoto).reduce((total, count) => total + count, 0) };
}
