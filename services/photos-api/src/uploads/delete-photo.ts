import { type Caller, type DeleteStatus, mayChangePhoto, type PhotoEvent } from '@event-photos/core';
import type { Lifecycle } from '#uploads/lifecycle';
import { deletePhotoObjects } from '#uploads/photo-objects';

/**
 * Deletes a photo, ready, being processed or still pending, if the caller may: one transaction
 * removes its record, hash claim and place in the totals and marks its upload deleted (so
 * processing that runs later discards it, see process-steps.ts), then every object the photo has
 * or may get goes. Records go before objects: a crash in between leaves objects that the deleted
 * upload makes the next processing run or reconcile remove, never a record pointing at nothing.
 * Repeating it is safe (204 again: the marker remembers it).
 */
export async function deletePhoto(
  { photos, objects, clock, logger }: Pick<Lifecycle, 'photos' | 'objects' | 'clock' | 'logger'>,
  event: PhotoEvent,
  photoId: string,
  caller: Caller,
): Promise<DeleteStatus> {
  const [photo, upload] = await Promise.all([photos.getPhoto(event.eventId, photoId), photos.getUpload(event.eventId, photoId)]);
  const uploaderId = photo?.uploaderId ?? upload?.uploaderId;
  if (uploaderId === undefined) return 'notFound';
  if (!(await mayChangePhoto(caller, { uploaderId }, event))) return 'forbidden';
  const removed = await photos.deletePhoto(event.eventId, photoId, uploaderId, clock());
  const contentType = removed?.contentType ?? photo?.contentType ?? upload?.contentType;
  const deleted = await deletePhotoObjects(objects, event.eventId, photoId, contentType, removed?.objectKeys);
  logger.info('Photo deleted', { photoId, objects: deleted });
  return 'deleted';
}
