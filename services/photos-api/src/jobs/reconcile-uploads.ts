import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { UPLOADS_PREFIX } from '@event-photos/core';
import pLimit from 'p-limit';
import { claims } from '#lib/content-claim-store';
import { objects } from '#lib/object-store';
import { photos } from '#lib/photo-store';
import { logger } from '#lib/logger';
import { renderer } from '#lib/photo-renderer';
import { processUpload, type Outcome, type Processing } from '#lib/process-upload';

const CONCURRENCY = 8;

/**
 * A run's bounds, whatever the bucket holds. Only the backlog is listed (uploads/ expires by a
 * lifecycle rule, and each processed upload is removed once its URL has expired), so a run
 * normally sees a handful of objects; a flood is worked through over several hourly runs, each
 * stopping at `maxObjects` objects or `timeMarginMs` before the function's timeout, so the
 * objects in flight finish and the report is written.
 */
export interface ReconcileLimits {
  maxObjects: number;
  timeMarginMs: number;
}
export const RECONCILE_LIMITS: ReconcileLimits = { maxObjects: 5_000, timeMarginMs: 60_000 };

export type ReconcileReport = Record<Outcome | 'failed', number> & {
  objects: number;
  /** Why the run ended before the listing did: the backlog left is for the next run. */
  stopped: 'objects' | 'time' | null;
};

/**
 * Processes again every object under uploads/ that has no photo record (its S3 event was lost,
 * or processing failed after all retries). Safe to run any time: processing is idempotent, and
 * objects that already have a record cost one read.
 */
export const createHandler = (stores: Processing, limits: ReconcileLimits = RECONCILE_LIMITS) =>
  middy<unknown, ReconcileReport>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (_event, context) => {
      const report: ReconcileReport = {
        objects: 0,
        created: 0,
        alreadyRecorded: 0,
        duplicateContent: 0,
        rejected: 0,
        gone: 0,
        deleted: 0,
        failed: 0,
        stopped: null,
      };
      const limit = pLimit(CONCURRENCY);
      const tasks: Promise<void>[] = [];
      for await (const key of stores.objects.keys(UPLOADS_PREFIX)) {
        // Leaving the loop also stops the listing: no page beyond the bound is read.
        if (report.objects >= limits.maxObjects) report.stopped = 'objects';
        else if (context.getRemainingTimeInMillis() < limits.timeMarginMs) report.stopped = 'time';
        if (report.stopped) break;
        report.objects++;
        const task = limit(() => processUpload(stores, key))
          .then((outcome) => void report[outcome]++)
          .catch((error: unknown) => {
            report.failed++;
            logger.error('Reconciling an upload failed', { key, error: error as Error });
          });
        tasks.push(task);
        // Wait for a free slot (a no-op's turn) before listing on: the bounds above are then checked as each object starts.
        if (limit.activeCount + limit.pendingCount >= limit.concurrency) await limit(() => undefined);
      }
      await Promise.all(tasks);
      if (report.stopped) logger.warn('Reconcile stopped before the end of the backlog; the next run goes on', { ...report });
      else logger.info('Reconciled uploads', { ...report });
      return report;
    });

export const handler = createHandler({ photos, claims, objects, renderer });
