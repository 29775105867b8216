import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { deployedLifecycle } from '#lib/lifecycle';
import { logger } from '#lib/logger';
import { objects } from '#lib/object-store';
import { renderer } from '#lib/photo-renderer';
import { photos } from '#lib/photo-store';
import type { Lifecycle } from '#uploads/lifecycle';
import { processUpload } from '#uploads/process-upload';
import type { Outcome } from '#uploads/processing-run';

/** S3 keys in event notifications are URL-encoded, with '+' for spaces; null if malformed. */
export function decodeS3Key(key: string): string | null {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** How many keys of the event ended each way (Lambda ignores it; logs, tests and tools read it). */
export type ProcessingSummary = Record<Outcome, number>;

/**
 * Handles every record of an S3 ObjectCreated event. A record that fails makes the invocation
 * fail, so Lambda retries it (then sends it to the on-failure destination); records already
 * done are no-ops on the retry.
 */
export const createHandler = (lifecycle: Lifecycle) =>
  middy<S3Event, ProcessingSummary>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      // One key can appear in several records of a batch: process each key once.
      const keys = new Set<string>();
      for (const record of event.Records) {
        const key = decodeS3Key(record.s3.object.key);
        // S3 never sends such a key; retrying would not make it decodable.
        if (key === null) logger.error('Undecodable key in S3 event, record skipped', { key: record.s3.object.key });
        else keys.add(key);
      }
      const keyList = [...keys];
      const results = await Promise.allSettled(keyList.map((key) => processUpload(lifecycle, key)));
      const summary: ProcessingSummary = { created: 0, alreadyRecorded: 0, duplicateContent: 0, rejected: 0, gone: 0, deleted: 0 };
      const failures: unknown[] = [];
      for (const [index, result] of results.entries()) {
        if (result.status === 'fulfilled') summary[result.value] += 1;
        else {
          failures.push(result.reason);
          logger.error('Processing an upload failed', { key: keyList[index], error: result.reason as Error });
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${keys.size} uploads failed`);
      return summary;
    });

export const handler = createHandler(deployedLifecycle({ photos, objects, renderer }));
