import { ForbiddenError, NotFoundError } from '@event-photos/core';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventAccess } from '#lib/event-access';
import { httpHandler, pathEventId, pathPhotoId } from '#lib/http';
import { logger } from '#lib/logger';
import { objects } from '#lib/object-store';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';
import { deletePhoto } from '#uploads/delete-photo';
import { systemClock } from '#uploads/lifecycle';

/**
 * DELETE /events/{eventId}/photos/{photoId}: 204 once the record and every object are gone, again
 * 204 on a repeat (the upload's deleted marker remembers it); 404 for a photo never seen (or one
 * the caller may not see).
 */
export const createHandler = (stores: Stores, clock = systemClock, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const photoId = pathPhotoId(event);
    const caller = callerOf(event, inGroup);
    const { access } = await eventAccess(stores, eventId, caller);
    const status = await deletePhoto({ ...stores, clock, logger }, { eventId, access, callerId: caller.id }, photoId);
    if (status === 'notFound') throw new NotFoundError(`Photo ${photoId} does not exist in event ${eventId}`, 'photoId');
    if (status === 'forbidden') throw new ForbiddenError('Only the uploader or the event organizer can delete this photo');
    return { status: 204, body: undefined };
  });

export const handler = createHandler({ photos, members, objects });
