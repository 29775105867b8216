import {
  ExportNames,
  exportArchiveKey,
  exportEntryOf,
  mayExport,
  seesOthers,
  type ArchiveEntry,
  type ArchiveProgress,
  type ArchiveWriter,
  type EventAccess,
  type ExportOutcome,
  type ExportStore,
  type MembershipStore,
  type PhotoExport,
  type PhotoLister,
} from '@event-photos/core';
import { logger } from '#lib/logger';

// The worker's run of one export: it claims the export, resolves what the requester may have,
// lists the event's photos page by page into the archive writer (which streams each object into
// the zip and the zip into S3), records progress, and ends the export ready or failed before its
// time is up. One invocation does the whole export (bench/README.md, "exports": 2,000 photos of
// 5 GiB take a few minutes of Lambda's 15); should it run out of time it ends the export failed,
// with a reason, rather than leaving it running.

export interface ExportWorkerStores {
  exports: ExportStore;
  members: Pick<MembershipStore, 'getMembership'>;
  listing: PhotoLister;
  archives: ArchiveWriter;
}

export interface RunOptions {
  /** This run's id (one per invocation): only it may write the export's progress and end. */
  runId: string;
  /** What is left of the invocation (Lambda's context.getRemainingTimeInMillis()). */
  remainingMs: number;
  now?: () => Date;
}

/** How a run ended: it finished the export (either way), or had nothing to do (not running, or another run holds it). */
export type RunResult = 'ready' | 'failed' | 'notRunning';

/** Kept back from the run's time: completing the upload and recording the end must fit in it. */
export const FINISH_MARGIN_MS = 30_000;
/** Progress is written at most this often (one UpdateItem each). */
const PROGRESS_EVERY_MS = 2_000;
/** Photos read per listing request. */
const PAGE_SIZE = 100;

export const TOO_LONG_REASON = 'The export took longer than an export may take. Please start it again, or ask the organizer.';
export const FAILED_REASON = 'The export failed. Please start it again.';
export const NOT_MEMBER_REASON = 'You are no longer a member of this event.';
export const NOT_ALLOWED_REASON = 'Your invite no longer allows downloading everything.';

/** The run's time is up: the archive writer stops on it. */
class ExportTimeoutError extends Error {}

export async function runExport(
  stores: ExportWorkerStores,
  { eventId, exportId }: Pick<PhotoExport, 'eventId' | 'exportId'>,
  { runId, remainingMs, now = () => new Date() }: RunOptions,
): Promise<RunResult> {
  const started = now();
  const record = await stores.exports.claimExport(eventId, exportId, { runId, until: new Date(started.getTime() + remainingMs) }, started);
  if (!record) return 'notRunning';
  const finish = async (outcome: ExportOutcome): Promise<RunResult> =>
    (await stores.exports.finishExport(eventId, exportId, runId, outcome, now())) ? outcome.status : 'notRunning';
  const failed = (reason: string, skipped = 0) => finish({ status: 'failed', reason, photos: 0, skipped, bytes: 0 });

  const access = await accessOf(stores, record);
  if (typeof access === 'string') return failed(access);
  // The invocation's end or the export's deadline, whichever comes first, less the time to finish.
  const timeLeft = Math.min(started.getTime() + remainingMs, Date.parse(record.deadline)) - FINISH_MARGIN_MS - now().getTime();
  if (timeLeft <= 0) return failed(TOO_LONG_REASON);

  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new ExportTimeoutError(`Export ${exportId} ran out of time`)), timeLeft);
  const counts = { noFile: 0 };
  try {
    const progress = await stores.archives.writeZip(
      exportArchiveKey(eventId, exportId),
      entriesOf(stores.listing, record, access, counts),
      {
        fileName: record.fileName,
        signal: stop.signal,
        onProgress: progressWriter(stores.exports, record, runId, counts, stop),
      },
    );
    logger.info('Export ready', { eventId, exportId, ...progress, noFile: counts.noFile });
    return finish({ status: 'ready', photos: progress.entries, skipped: counts.noFile + progress.missing, bytes: progress.bytes });
  } catch (error) {
    const timedOut = stop.signal.reason instanceof ExportTimeoutError;
    logger.error('Export failed', { eventId, exportId, timedOut, error: error as Error });
    return failed(timedOut ? TOO_LONG_REASON : FAILED_REASON, counts.noFile);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What the requester may have now: the organizer as when they asked (the worker cannot ask the
 * user pool); a member as their membership is now (removed: nothing). A reason when nothing.
 */
async function accessOf(stores: Pick<ExportWorkerStores, 'members'>, record: PhotoExport): Promise<EventAccess | string> {
  if (record.asOrganizer) return { kind: 'organizer' };
  const membership = await stores.members.getMembership(record.eventId, record.requesterId);
  if (!membership) return NOT_MEMBER_REASON;
  const access: EventAccess = { kind: 'member', membership };
  return mayExport(access) ? access : NOT_ALLOWED_REASON;
}

/**
 * The zip's entries, page by page as the writer takes them: every ready photo the requester may
 * see (only their own for a member who sees no one else's), each as export-entries.ts chooses;
 * one with no file they may have is counted in `counts.noFile`.
 */
async function* entriesOf(
  listing: PhotoLister,
  record: PhotoExport,
  access: EventAccess,
  counts: { noFile: number },
): AsyncGenerator<ArchiveEntry> {
  const names = new ExportNames();
  const uploaderId = seesOthers(access) ? undefined : record.requesterId;
  let cursor: string | undefined;
  do {
    const page = await listing.listPhotos(record.eventId, { limit: PAGE_SIZE, cursor, uploaderId });
    for (const photo of page.items) {
      const entry = exportEntryOf(photo, access, record.requesterId, names);
      if ('skipped' in entry) {
        if (entry.skipped === 'noFile') counts.noFile += 1;
        continue;
      }
      yield { key: entry.key, name: entry.name, modifiedAt: entry.modifiedAt };
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** Writes progress now and then; a run that finds it no longer holds the export stops. */
function progressWriter(exports: ExportStore, record: PhotoExport, runId: string, counts: { noFile: number }, stop: AbortController) {
  let last = 0;
  return (progress: ArchiveProgress) => {
    if (Date.now() - last < PROGRESS_EVERY_MS) return;
    last = Date.now();
    const written = { photos: progress.entries, skipped: counts.noFile + progress.missing, bytes: progress.bytes };
    exports.recordProgress(record.eventId, record.exportId, runId, written).then(
      (held) => held || stop.abort(new Error(`Export ${record.exportId} is no longer this run's`)),
      (error: unknown) => logger.warn('Export progress not recorded', { exportId: record.exportId, error: error as Error }),
    );
  };
}
