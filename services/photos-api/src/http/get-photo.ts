import { NotFoundError, photoView } from '@event-photos/core';
import { callerId, httpHandler, pathEventId, pathPhotoId } from '#lib/http';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';

/**
 * GET /events/{eventId}/photos/{photoId}: a ready photo (`status: 'ready'`); its upload while it
 * is processed (`pending`, also once accepted while its objects are published); or why it
 * ended: `rejected` with `rejectionReason`, `duplicate` with `duplicateOf`. A deleted photo is 404.
 */
export const createHandler = ({ photos }: Pick<Stores, 'photos'>) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const photoId = pathPhotoId(event);
    const caller = callerId(event);
    const [photo, upload] = await Promise.all([photos.getPhoto(eventId, photoId), photos.getUpload(eventId, photoId)]);
    if (photo && upload?.status !== 'deleted') return { status: 200, body: { ...photoView(photo, caller), status: 'ready' } };
    if (!upload || upload.status === 'deleted') throw new NotFoundError(`Photo ${photoId} does not exist in event ${eventId}`, 'photoId');
    // The object key and URL expiry are internal details of the upload; accepted is still pending to its uploader.
    const { objectKey: _key, expiresAt: _expiresAt, ...shown } = upload;
    const body = shown.status === 'accepted' ? (({ acceptedAt: _at, ...rest }) => ({ ...rest, status: 'pending' as const }))(shown) : shown;
    return { status: 200, body: photoView(body, caller) };
  });

export const handler = createHandler({ photos });
