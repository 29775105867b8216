import { NotFoundError, photoView } from '@event-photos/core';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';
import { callerId, httpHandler, pathEventId, pathPhotoId } from '#lib/http';

/**
 * GET /events/{eventId}/photos/{photoId}: a processed photo, or its upload while pending,
 * or why it was rejected (`status: 'rejected'`, `rejectionReason`). A deleted photo is 404, even
 * in the moment processing still holds a record it is about to remove.
 */
export const createHandler = ({ photos }: Pick<Stores, 'photos'>) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const photoId = pathPhotoId(event);
    const caller = callerId(event);
    const [photo, pending] = await Promise.all([photos.getPhoto(eventId, photoId), photos.getPendingUpload(eventId, photoId)]);
    const notFound = new NotFoundError(`Photo ${photoId} does not exist in event ${eventId}`, 'photoId');
    if (pending?.status === 'deleted') throw notFound;
    if (photo) return { status: 200, body: { ...photoView(photo, caller), status: 'ready' } };
    if (pending) {
      // The object key and URL expiry are internal details of the upload.
      const { objectKey: _key, expiresAt: _expiresAt, status, ...upload } = pending;
      return { status: 200, body: { ...photoView(upload, caller), status: status ?? 'pending' } };
    }
    throw notFound;
  });

export const handler = createHandler({ photos });
