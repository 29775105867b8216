import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { parseExportRequestKey, type ObjectStore } from '@event-photos/core';
import { logger } from '#lib/logger';
import { type ExportWorkerStores, type RunResult, runExport } from '#exports/run-export';
import { workerStores } from '#exports/worker-stores';

/** How many requests of the event ended each way (Lambda ignores it; logs and tests read it). */
export type ExportSummary = Record<RunResult | 'notARequest', number>;

/** S3 sends keys URL-encoded, with '+' for spaces; null if malformed. */
function decodeKey(key: string): string | null {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * The worker: S3 ObjectCreated under exports/requests/ (POST .../exports writes one request per
 * export). Runs each requested export (run-export.ts), one after another: each may take most of
 * the invocation. The request object is deleted once its export has ended, whichever way.
 */
export const createHandler = (stores: ExportWorkerStores & { objects: Pick<ObjectStore, 'delete'> }) =>
  middy<S3Event, ExportSummary>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const summary: ExportSummary = { ready: 0, failed: 0, notRunning: 0, notARequest: 0 };
      for (const record of event.Records) {
        const key = decodeKey(record.s3.object.key);
        const request = key === null ? null : parseExportRequestKey(key);
        if (!request) {
          // S3 sends only this prefix here (serverless.yml); a retry would not make the key another.
          logger.error('Not an export request, record skipped', { key: record.s3.object.key });
          summary.notARequest += 1;
          continue;
        }
        logger.appendKeys({ eventId: request.eventId, exportId: request.exportId });
        summary[await runExport(stores, request, { runId: randomUUID(), remainingMs: context.getRemainingTimeInMillis() })] += 1;
        await stores.objects.delete(key!);
      }
      return summary;
    });

export const handler = createHandler(workerStores());
