import { randomUUID } from 'node:crypto';
import {
  type Caller,
  type CreatedExport,
  type ExportQueue,
  type ExportStore,
  ForbiddenError,
  mayExport,
  newExport,
} from '@event-photos/core';
import { eventAccess } from '#lib/event-access';
import { logger } from '#lib/logger';
import type { EventStores } from '#lib/stores';

export interface StartExportStores extends EventStores {
  exports: Pick<ExportStore, 'startExport' | 'claimExport' | 'finishExport'>;
  queue: ExportQueue;
}

/** What the requester is told when the worker could not even be asked for. */
export const NOT_STARTED_REASON = 'The export could not be started. Please try again.';

/**
 * POST .../exports: checks the caller may download everything (the organizer, or a member whose
 * invite has downloadOriginals; another member: 403; anyone else: the event's 404), then records
 * a running export and asks for the worker. A caller who has one running in the event gets that
 * one instead (one running export per caller and event): nothing new is recorded or started.
 */
export async function startExport(stores: StartExportStores, eventId: string, caller: Caller, now = new Date()): Promise<CreatedExport> {
  const { event, access } = await eventAccess(stores, eventId, caller);
  if (!mayExport(access))
    throw new ForbiddenError(
      `Only the organizer, and members whose invite allows downloading originals, can download all of event ${eventId}`,
    );
  const created = newExport(
    { eventId, exportId: randomUUID(), requesterId: caller.id, asOrganizer: access.kind === 'organizer', eventName: event.name },
    now,
  );
  const start = await stores.exports.startExport(created, now);
  if (!start.started) return { exportId: start.export.exportId };
  try {
    await stores.queue.request(created);
  } catch (error) {
    // Not left running until its deadline: ended at once, so that the caller may ask again now.
    const runId = `request-${randomUUID()}`;
    await stores.exports.claimExport(eventId, created.exportId, { runId, until: now }, now);
    await stores.exports.finishExport(
      eventId,
      created.exportId,
      runId,
      { status: 'failed', reason: NOT_STARTED_REASON, photos: 0, skipped: 0, bytes: 0 },
      now,
    );
    logger.error('Export not requested', { exportId: created.exportId, error: error as Error });
    throw error;
  }
  return { exportId: created.exportId };
}
