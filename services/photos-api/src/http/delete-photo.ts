import { ForbiddenError, NotFoundError } from '@event-photos/core';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { httpHandler, pathEventId, pathPhotoId } from '#lib/http';
import { logger } from '#lib/logger';
import { objects } from '#lib/object-store';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';
import { deletePhoto } from '#uploads/delete-photo';
import { systemClock } from '#uploads/lifecycle';

/**
 * DELETE /events/{eventId}/photos/{photoId}: 204 once the record and every object are gone, again
 * 204 on a repeat (the upload's deleted marker remembers it); 404 for a photo never seen.
 */
export const createHandler = (stores: Stores, clock = systemClock, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const photoId = pathPhotoId(event);
    const photoEvent = await stores.photos.getEvent(eventId);
    if (!photoEvent) throw new NotFoundError(`Event ${eventId} does not exist`, 'eventId');
    const status = await deletePhoto({ ...stores, clock, logger }, photoEvent, photoId, callerOf(event, inGroup));
    if (status === 'notFound') throw new NotFoundError(`Photo ${photoId} does not exist in event ${eventId}`, 'photoId');
    if (status === 'forbidden') throw new ForbiddenError('Only the uploader or the event organizer can delete this photo');
    return { status: 204, body: undefined };
  });

export const handler = createHandler({ photos, objects });
