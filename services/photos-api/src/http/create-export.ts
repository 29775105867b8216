import { exportQueue, exports } from '#exports/export-store';
import { type StartExportStores, startExport } from '#exports/start-export';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { httpHandler, pathEventId } from '#lib/http';
import { members } from '#lib/member-store';
import { liveGroups } from '#lib/organizers-group';
import { photos } from '#lib/photo-store';

/**
 * POST /events/{eventId}/exports: 202 { exportId } of a zip of every photo the caller may see,
 * made by the export worker; GET .../exports/{exportId} tells when it is ready. A caller with an
 * export of the event still running gets that one's id again (202 too): one at a time each.
 */
export const createHandler = (stores: StartExportStores, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    return { status: 202, body: await startExport(stores, eventId, callerOf(event, inGroup)) };
  });

export const handler = createHandler({ photos, members, exports, queue: exportQueue });
