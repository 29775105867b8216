import { ForbiddenError, NotFoundError } from '@event-photos/core';
import { deletePhoto } from '#lib/delete-photo';
import { photos } from '#lib/photo-store';
import { claims } from '#lib/content-claim-store';
import { objects } from '#lib/object-store';
import type { Stores } from '#lib/stores';
import { callerId, httpHandler, pathEventId, pathPhotoId } from '#lib/http';

/**
 * DELETE /events/{eventId}/photos/{photoId}: 204 once the record and every object are gone, again
 * 204 on a repeat (the upload's deleted marker remembers it); 404 for a photo never seen.
 */
export const createHandler = (stores: Stores) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const photoId = pathPhotoId(event);
    const caller = callerId(event);
    const photoEvent = await stores.photos.getEvent(eventId);
    if (!photoEvent) throw new NotFoundError(`Event ${eventId} does not exist`, 'eventId');
    const status = await deletePhoto(stores, photoEvent, photoId, caller);
    if (status === 'notFound') throw new NotFoundError(`Photo ${photoId} does not exist in event ${eventId}`, 'photoId');
    if (status === 'forbidden') throw new ForbiddenError('Only the uploader or the event organizer can delete this photo');
    return { status: 204, body: undefined };
  });

export const handler = createHandler({ photos, claims, objects });
