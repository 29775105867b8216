import { NotFoundError } from '@event-photos/core';
import { photos } from '#lib/photo-store';
import { httpHandler, pathEventId, pathPhotoId } from '#lib/http';

/**
 * GET /events/{eventId}/photos/{photoId}: a processed photo, or its upload while pending,
 * or why it was rejected (`status: 'rejected'`, `rejectionReason`).
 */
export const handler = httpHandler(async (event) => {
  const eventId = pathEventId(event);
  const photoId = pathPhotoId(event);
  const photo = await photos.getPhoto(eventId, photoId);
  if (photo) return { status: 200, body: { ...photo, status: 'ready' } };
  const pending = await photos.getPendingUpload(eventId, photoId);
  if (pending) {
    // The object key and URL expiry are internal details of the upload.
    const { objectKey: _key, expiresAt: _expiresAt, status, ...upload } = pending;
    return { status: 200, body: { ...upload, status: status ?? 'pending' } };
  }
  throw new NotFoundError(`Photo ${photoId} does not exist in event ${eventId}`, 'photoId');
});
