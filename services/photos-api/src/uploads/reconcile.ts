import { UPLOADS_PREFIX } from '@event-photos/core';
import pLimit from 'p-limit';
import type { Lifecycle } from '#uploads/lifecycle';
import { processUpload } from '#uploads/process-upload';
import type { Outcome } from '#uploads/processing-run';

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
 * Processes again every object under uploads/ (its S3 event was lost, processing failed after all
 * retries, or it waits for its URL to expire). Safe to run any time: processing is idempotent, and
 * an object whose photo is ready costs one read.
 */
export async function reconcileUploads(lifecycle: Lifecycle, limits: ReconcileLimits, remainingMs: () => number): Promise<ReconcileReport> {
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
  for await (const key of lifecycle.objects.keys(UPLOADS_PREFIX)) {
    // Leaving the loop also stops the listing: no page beyond the bound is read.
    if (report.objects >= limits.maxObjects) report.stopped = 'objects';
    else if (remainingMs() < limits.timeMarginMs) report.stopped = 'time';
    if (report.stopped) break;
    report.objects++;
    const task = limit(() => processUpload(lifecycle, key))
      .then((outcome) => void report[outcome]++)
      .catch((error: unknown) => {
        report.failed++;
        lifecycle.logger.error('Reconciling an upload failed', { key, error: error as Error });
      });
    tasks.push(task);
    // Wait for a free slot (a no-op's turn) before listing on: the bounds above are then checked as each object starts.
    if (limit.activeCount + limit.pendingCount >= limit.concurrency) await limit(() => undefined);
  }
  await Promise.all(tasks);
  if (report.stopped) lifecycle.logger.warn('Reconcile stopped before the end of the backlog; the next run goes on', { ...report });
  else lifecycle.logger.info('Reconciled uploads', { ...report });
  return report;
}
