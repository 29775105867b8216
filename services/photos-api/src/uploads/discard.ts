import type { ImageContentType } from '@event-photos/core';
import { deletePhotoObjects } from '#uploads/photo-objects';
import type { Outcome, ProcessingRun } from '#uploads/processing-run';

// The ways processing ends without a new photo. Each deletes the uploaded object (and whatever
// an earlier run may have published) and leaves the upload's state saying why.

/**
 * Refused: the object goes, and the upload says why to its uploader (if it is still pending;
 * `withoutUpload`: there is no upload record to mark).
 */
export async function reject(run: ProcessingRun, reason: string, { withoutUpload = false } = {}): Promise<Outcome> {
  const { lifecycle, key, eventId, photoId, logger } = run;
  await lifecycle.objects.delete(key);
  if (!withoutUpload) await lifecycle.photos.rejectUpload(eventId, photoId, reason, lifecycle.clock());
  logger.warn('Upload rejected, object deleted', { reason });
  return 'rejected';
}

/**
 * The photo was deleted, before processing, while it ran, or between its publishing and its
 * ready stamp: every object it has or may get goes (the delete removed the records).
 */
export async function discardDeleted(run: ProcessingRun, contentType: ImageContentType | undefined): Promise<Outcome> {
  const { lifecycle, eventId, photoId, logger } = run;
  const objects = await deletePhotoObjects(lifecycle.objects, eventId, photoId, contentType);
  logger.info('Photo was deleted, its objects removed', { objects });
  return 'deleted';
}

/** The event already holds these bytes as photo `duplicateOf`: the upload says so, its object goes. */
export async function discardDuplicate({ lifecycle, key, eventId, photoId, logger }: ProcessingRun, duplicateOf: string): Promise<Outcome> {
  await lifecycle.photos.markUploadDuplicate(eventId, photoId, duplicateOf, lifecycle.clock());
  await lifecycle.objects.delete(key);
  logger.info('Same bytes as another photo of the event, object deleted', { duplicateOf });
  return 'duplicateContent';
}
