import {
  mayChangePhoto,
  publishedObjectKey,
  renditionObjectKeys,
  uploadObjectKey,
  type DeleteStatus,
  type PhotoEvent,
} from '@event-photos/core';
import { logger } from '#lib/logger';
import type { Stores } from '#lib/stores';

/**
 * Deletes a photo, processed or still pending, if the caller may: marks its upload deleted (so
 * processing discards it whenever it runs, see process-upload.ts), removes the photo record and
 * its hash claim, then every object of the photo. Records go before objects: a crash in between
 * leaves an object that the marker makes reconcile delete, never a record pointing at nothing (a
 * claim left behind is stale and taken over by the next upload). Repeating it is safe.
 */
export async function deletePhoto(
  { photos, claims, objects }: Stores,
  event: PhotoEvent,
  photoId: string,
  callerId: string,
): Promise<DeleteStatus> {
  const [photo, upload] = await Promise.all([photos.getPhoto(event.eventId, photoId), photos.getPendingUpload(event.eventId, photoId)]);
  const record = photo ?? upload;
  if (!record) return 'notFound';
  if (!mayChangePhoto(callerId, record, event)) return 'forbidden';

  await photos.markUploadDeleted(event.eventId, photoId, record.uploaderId);
  // Read back as it is deleted: processing may have written the photo since the read above.
  const removed = await photos.deletePhotoRecord(event.eventId, photoId);
  // The photo no longer counts against its uploader's and the event's totals (once: only the
  // call that removed the record gets it back).
  if (removed) await photos.uncountStoredPhoto(event.eventId, removed.uploaderId, removed.size);
  // Frees the bytes for a later upload (only if the claim still names this photo).
  const sha256 = removed?.sha256 ?? photo?.sha256;
  if (sha256) await claims.releaseHash(event.eventId, sha256, photoId);
  const keys = new Set([...(removed?.objectKeys ?? []), ...(photo?.objectKeys ?? [])]);
  if (upload?.objectKey) keys.add(upload.objectKey);
  // Every place an object of the photo may be: the quarantined upload, its published copy and
  // renditions (a processing run that stopped between publishing and recording leaves some that
  // no record names).
  if (record.contentType) {
    keys.add(uploadObjectKey(event.eventId, photoId, record.contentType));
    keys.add(publishedObjectKey(event.eventId, photoId, record.contentType));
  }
  for (const key of renditionObjectKeys(event.eventId, photoId)) keys.add(key);
  await Promise.all([...keys].map((key) => objects.delete(key)));
  logger.info('Photo deleted', { photoId, objects: keys.size });
  return 'deleted';
}
