import * as z from 'zod/mini';
import { PHOTO_ID_PATTERN } from '#lib/limits';
import type { EventAccess } from '#lib/members';
import { safeFileStem } from '#lib/export-entries';

// "Download all": a zip of every photo the caller may see in an event, made by a worker and
// downloaded from a short presigned GET. POST /events/{eventId}/exports records the export and
// asks for the worker (export-store.ts); GET /events/{eventId}/exports/{exportId} tells how far
// it is and, once ready, where to download it.

export type ExportStatus = 'running' | 'ready' | 'failed';

/** How far an export got: photos in the zip, photos left out (no file the caller may have, or deleted meanwhile), zip bytes. */
export interface ExportProgress {
  photos: number;
  skipped: number;
  bytes: number;
}

/** An export as stored (see ExportView for what the API answers). */
export interface PhotoExport extends ExportProgress {
  eventId: string;
  /** A random lowercase UUID. */
  exportId: string;
  /** The caller who asked (their Cognito sub): only they see it; never shown. */
  requesterId: string;
  /**
   * They asked as the event's organizer. The worker cannot ask the user pool, so it takes this
   * from the request; a member's rights it reads again when it starts.
   */
  asOrganizer: boolean;
  status: ExportStatus;
  /** The zip's name in the browser's download, from the event's name. */
  fileName: string;
  createdAt: string;
  /** A running export past it stopped without saying so: it counts as failed, and its requester may start another. */
  deadline: string;
  /** When the record goes (the table's TTL); the zip outlives it (the bucket expires exports/ after a day). */
  expiresAt: string;
  /** Why it failed, for its requester. */
  reason?: string;
  finishedAt?: string;
}

/** How an export ended, with its final counts. */
export type ExportOutcome = ExportProgress & ({ status: 'ready' } | { status: 'failed'; reason: string });

/**
 * How long an export may run: one worker invocation (Lambda's 15 minutes at most), plus the time
 * its S3 event may wait for one (the worker's maximumEventAge in serverless.yml is the same).
 */
export const EXPORT_DEADLINE_SECONDS = 20 * 60;
/** How long an export's record is kept: a day, the zip's own lifetime (infra.serverless.yml's lifecycle rule). */
export const EXPORT_RECORD_SECONDS = 24 * 60 * 60;
/** The presigned GET of a ready zip is valid this long at most (and never past the record). */
export const EXPORT_URL_MAX_SECONDS = 60 * 60;

/** Everything of exports lives under this prefix: private (never on the CDN), expired after a day. */
export const EXPORTS_PREFIX = 'exports/';
/** Writing an object here starts the worker (an S3 ObjectCreated trigger on this prefix). */
export const EXPORT_REQUESTS_PREFIX = `${EXPORTS_PREFIX}requests/`;

/** `exports/requests/event_{eventId}/{exportId}.json`: the object whose creation starts the worker. */
export const exportRequestKey = (eventId: string, exportId: string) => `${EXPORT_REQUESTS_PREFIX}event_${eventId}/${exportId}.json`;

/** `exports/archives/event_{eventId}/{exportId}.zip`: where the worker writes the zip. */
export const exportArchiveKey = (eventId: string, exportId: string) => `${EXPORTS_PREFIX}archives/event_${eventId}/${exportId}.zip`;

const REQUEST_KEY = /^exports\/requests\/event_([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/([0-9a-f-]{36})\.json$/;

export function parseExportRequestKey(key: string): { eventId: string; exportId: string } | null {
  const match = REQUEST_KEY.exec(key);
  if (!match || !PHOTO_ID_PATTERN.test(match[2]!)) return null;
  return { eventId: match[1]!, exportId: match[2]! };
}

export const exportIdSchema = z.string().check(z.regex(PHOTO_ID_PATTERN, 'must be a lowercase UUID'));

/**
 * Who may download everything: the organizer, and members whose invite has `downloadOriginals`.
 * Others download photo by photo what their invite allows.
 */
export const mayExport = (access: EventAccess) => access.kind === 'organizer' || access.membership.downloadOriginals;

/** The zip's file name: the event's name made safe (its id when nothing of it is left), `.zip`. */
export const exportFileName = (eventName: string, eventId: string) => `${safeFileStem(eventName) || eventId} photos.zip`;

/** A new export, running, as POST .../exports records it. */
export function newExport(
  {
    eventId,
    exportId,
    requesterId,
    asOrganizer,
    eventName,
  }: Pick<PhotoExport, 'eventId' | 'exportId' | 'requesterId' | 'asOrganizer'> & {
    eventName: string;
  },
  now: Date,
): PhotoExport {
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
  return {
    eventId,
    exportId,
    requesterId,
    asOrganizer,
    status: 'running',
    fileName: exportFileName(eventName, eventId),
    photos: 0,
    skipped: 0,
    bytes: 0,
    createdAt: now.toISOString(),
    deadline: at(EXPORT_DEADLINE_SECONDS),
    expiresAt: at(EXPORT_RECORD_SECONDS),
  };
}

/** What a caller is told when their export's worker stopped without finishing (a crash, Lambda's timeout). */
export const EXPORT_STOPPED_REASON = 'The export stopped before it was finished. Please start it again.';

/** Whether a record says running but its deadline has passed at `now`: it failed, whatever it says. */
export const exportStopped = (photoExport: Pick<PhotoExport, 'status' | 'deadline'>, now: Date) =>
  photoExport.status === 'running' && photoExport.deadline <= now.toISOString();

// ---------------------------------------------------------------- answers

/** POST .../exports (202): the export to ask GET .../exports/{exportId} about. */
export interface CreatedExport {
  exportId: string;
}

/** GET .../exports/{exportId}: how far it is; once ready, a presigned GET of the zip valid until `expiresAt`. */
export interface ExportView extends ExportProgress {
  exportId: string;
  status: ExportStatus;
  createdAt: string;
  url?: string;
  expiresAt?: string;
  /** Why it failed. */
  reason?: string;
}

/** What its requester sees of an export at `now` (a running one past its deadline: failed); `download` when ready. */
export function exportView(photoExport: PhotoExport, now: Date, download?: { url: string; expiresAt: string }): ExportView {
  const { exportId, photos, skipped, bytes, createdAt } = photoExport;
  const view: ExportView = { exportId, status: photoExport.status, photos, skipped, bytes, createdAt };
  if (exportStopped(photoExport, now)) return { ...view, status: 'failed', reason: EXPORT_STOPPED_REASON };
  if (photoExport.status === 'failed') return { ...view, reason: photoExport.reason ?? EXPORT_STOPPED_REASON };
  if (photoExport.status === 'ready' && download) return { ...view, ...download };
  return view;
}

/** How long the zip's URL may be valid at `now`: the most allowed, never past the record's expiry. */
export function exportUrlSeconds(photoExport: Pick<PhotoExport, 'expiresAt'>, now: Date): number {
  const untilExpiry = Math.floor((Date.parse(photoExport.expiresAt) - now.getTime()) / 1000);
  return Math.max(1, Math.min(EXPORT_URL_MAX_SECONDS, untilExpiry));
}
