import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { claims } from '#lib/content-claim-store';
import { objects } from '#lib/object-store';
import { photos } from '#lib/photo-store';
import { logger } from '#lib/logger';
import { renderer } from '#lib/photo-renderer';
import { UPLOADS_PREFIX, processUpload, type Outcome, type Processing } from '#lib/process-upload';

const CONCURRENCY = 8;

export type ReconcileReport = Record<Outcome | 'failed', number> & { objects: number };

/**
 * Processes again every object under uploads/ that has no photo record (its S3 event was lost,
 * or processing failed after all retries). Safe to run any time: processing is idempotent, and
 * objects that already have a record cost one read.
 */
export const createHandler = (stores: Processing) => middy<unknown, ReconcileReport>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const report: ReconcileReport = { objects: 0, created: 0, alreadyRecorded: 0, duplicateContent: 0, rejected: 0, gone: 0, deleted: 0, failed: 0 };
    const running = new Set<Promise<void>>();
    for await (const key of stores.objects.keys(UPLOADS_PREFIX)) {
      report.objects++;
      const task = processUpload(stores, key)
        .then((outcome) => void report[outcome]++)
        .catch((error: unknown) => {
          report.failed++;
          logger.error('Reconciling an upload failed', { key, error: error as Error });
        })
        .finally(() => running.delete(task));
      running.add(task);
      if (running.size >= CONCURRENCY) await Promise.race(running);
    }
    await Promise.all(running);
    logger.info('Reconciled uploads', { ...report });
    return report;
  });

export const handler = createHandler({ photos, claims, objects, renderer });
