import { type DeleteStatus, type EventAccess, mayChangePhotoOf, maySeePhotoOf } from '@event-photos/core';
import type { Lifecycle } from '#uploads/lifecycle';
import { deletePhotoObjects } from '#uploads/photo-objects';

/**
 * Deletes a photo, ready, being processed or still pending, if the caller may (`access`: who
 * they are to the event; a photo they may not see is, to them, not found): one transaction
 * removes its record, hash claim and place in the totals and marks its upload deleted (so
 * processing that runs later discards it, see process-steps.ts), then every object the photo has
 * or may get goes. Records go before objects: a crash in between leaves objects that the deleted
 * upload makes the next processing run or reconcile remove, never a record pointing at nothing.
 * Repeating it is safe (204 again: the marker remembers it).
 */
export async function deletePhoto(
  { photos, objects, clock, logger }: Pick<Lifecycle, 'photos' | 'objects' | 'clock' | 'logger'>,
  { eventId, access, callerId }: { eventId: string; access: EventAccess; callerId: string },
  photoId: string,
): Promise<DeleteStatus> {
  const [photo, upload] = await Promise.all([photos.getPhoto(eventId, photoId), photos.getUpload(eventId, photoId)]);
  const uploaderId = photo?.uploaderId ?? upload?.uploaderId;
  if (uploaderId === undefined || !maySeePhotoOf(access, callerId, uploaderId)) return 'notFound';
  if (!mayChangePhotoOf(access, callerId, uploaderId)) return 'forbidden';
  const removed = await photos.deletePhoto(eventId, photoId, uploaderId, clock());
  const contentType = removed?.contentType ?? photo?.contentType ?? upload?.contentType;
  const deleted = await deletePhotoObjects(objects, eventId, photoId, contentType, removed?.objectKeys);
  logger.info('Photo deleted', { photoId, objects: deleted });
  return 'deleted';
}
