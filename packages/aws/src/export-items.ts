import type { PhotoExport } from '@event-photos/core';
import { memberIdOf } from '#lib/membership-items';
import { eventPk } from '#lib/table-keys';

// Exports, in the event's partition (see export-repository.ts):
//   pk EVENT#{eventId}  sk EXPORT#{exportId}       an export: the record, the run that holds it
//                                                  (runId, runUntil), ttl its expiresAt
//   pk EVENT#{eventId}  sk EXPORTING#{memberId}    the export one requester has running in the event
//                                                  (exportId, deadline), ttl its deadline; memberId
//                                                  as membership-items.ts makes it from the user id

export const exportKey = (eventId: string, exportId: string) => ({ pk: eventPk(eventId), sk: `EXPORT#${exportId}` });
export const runningExportKey = (eventId: string, requesterId: string) => ({
  pk: eventPk(eventId),
  sk: `EXPORTING#${memberIdOf(eventId, requesterId)}`,
});

/** The table's TTL attribute: epoch seconds. */
const ttlOf = (isoDate: string) => Math.ceil(Date.parse(isoDate) / 1000);

export const exportItem = (photoExport: PhotoExport) => ({
  ...exportKey(photoExport.eventId, photoExport.exportId),
  ...photoExport,
  ttl: ttlOf(photoExport.expiresAt),
});

/** The lock item: removed when the export ends, and worthless once its deadline has passed. */
export const runningExportItem = ({ eventId, requesterId, exportId, deadline }: PhotoExport) => ({
  ...runningExportKey(eventId, requesterId),
  exportId,
  deadline,
  ttl: ttlOf(deadline),
});

/** The record of an export item: without its keys, TTL and run. */
export function exportOfItem(item: Record<string, unknown>): PhotoExport {
  const { pk: _pk, sk: _sk, ttl: _ttl, runId: _runId, runUntil: _runUntil, ...record } = item;
  return record as unknown as PhotoExport;
}
