import type { CdnInvalidator } from '@event-photos/core';
import { ForbiddenError, NotFoundError } from '@event-photos/core';
import { cdn } from '#lib/cdn-invalidator';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventAccess } from '#lib/event-access';
import { httpHandler, pathEventId, pathPhotoId } from '#lib/http';
import { logger } from '#lib/logger';
import { objects } from '#lib/object-store';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';
import { deletePhotos } from '#uploads/delete-photo';
import { systemClock } from '#uploads/lifecycle';

/**
 * DELETE /events/{eventId}/photos/{photoId}: 204 once the record and every object are gone (and
 * the CDN asked to forget them), again 204 on a repeat (the upload's deleted marker remembers it);
 * 404 for a photo never seen (or one the caller may not see).
 */
export const createHandler = (deps: Stores & { cdn: CdnInvalidator }, clock = systemClock, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const photoId = pathPhotoId(event);
    const caller = callerOf(event, inGroup);
    const { access } = await eventAccess(deps, eventId, caller);
    const [status] = await deletePhotos({ ...deps, clock, logger }, { eventId, access, callerId: caller.id }, [photoId]);
    if (status === 'notFound') throw new NotFoundError(`Photo ${photoId} does not exist in event ${eventId}`, 'photoId');
    if (status === 'forbidden') throw new ForbiddenError('Only the uploader or the event organizer can delete this photo');
    return { status: 204, body: undefined };
  });

export const handler = createHandler({ photos, members, objects, cdn });
