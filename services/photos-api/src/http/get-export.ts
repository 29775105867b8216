import { type SignedDownload, signDownload } from '@event-photos/aws';
import {
  type ExportStore,
  ForbiddenError,
  NotFoundError,
  exportArchiveKey,
  exportIdSchema,
  exportStopped,
  exportUrlSeconds,
  exportView,
  mayExport,
  parseOrThrow,
} from '@event-photos/core';
import { exports } from '#exports/export-store';
import { config } from '#lib/config';
import { eventAccess } from '#lib/event-access';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { httpHandler, pathEventId } from '#lib/http';
import { members } from '#lib/member-store';
import { liveGroups } from '#lib/organizers-group';
import { photos } from '#lib/photo-store';
import type { EventStores } from '#lib/stores';
import { uploadSigning } from '#lib/upload-signing';

/** Signs a download of one private object, saved as `fileName`, valid `seconds`. */
export type SignExport = (key: string, fileName: string, seconds: number) => Promise<SignedDownload>;

/** With the function's role, which may read exports/archives/ and nothing else. */
export const signWithRole: SignExport = (key, fileName, seconds) =>
  signDownload(uploadSigning, { bucket: config.bucketName, key, fileName, expiresInSeconds: seconds });

/**
 * GET /events/{eventId}/exports/{exportId}: how far the caller's export is; once ready, a presigned
 * GET of the zip (an hour at most, as an attachment named after the event). An export is its
 * requester's alone: anyone else's id answers 404, as an unknown one does.
 */
export const createHandler = (
  stores: EventStores & { exports: Pick<ExportStore, 'getExport'> },
  sign: SignExport = signWithRole,
  inGroup: GroupCheck = liveGroups,
) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const exportId = parseOrThrow(exportIdSchema, event.pathParameters?.['exportId'], 'exportId');
    const caller = callerOf(event, inGroup);
    const now = new Date();
    // Read together: the event, the caller's access and the export in one BatchGetItem.
    const [{ access }, found] = await Promise.all([eventAccess(stores, eventId, caller), stores.exports.getExport(eventId, exportId, now)]);
    if (!mayExport(access))
      throw new ForbiddenError(
        `Only the organizer, and members whose invite allows downloading originals, can download all of event ${eventId}`,
      );
    if (found?.requesterId !== caller.id) throw new NotFoundError(`Export ${exportId} does not exist`, 'exportId');
    if (found.status !== 'ready' || exportStopped(found, now)) return { status: 200, body: exportView(found, now) };
    const { url, expiresAt } = await sign(exportArchiveKey(eventId, exportId), found.fileName, exportUrlSeconds(found, now));
    return { status: 200, body: exportView(found, now, { url, expiresAt: expiresAt.toISOString() }) };
  });

export const handler = createHandler({ photos, members, exports });
