import { NotFoundError, type EventDetails } from '@event-photos/core';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventView } from '#lib/event-view';
import { httpHandler, pathEventId } from '#lib/http';

/** GET /events/{eventId}: the event and how many processed photos it has. */
export const createHandler = ({ photos }: Pick<Stores, 'photos'>, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const photoEvent = await photos.getEvent(eventId);
    if (!photoEvent) throw new NotFoundError(`Event ${eventId} does not exist`, 'eventId');
    const body: EventDetails = {
      ...(await eventView(photoEvent, callerOf(event, inGroup))),
      photoCount: await photos.countPhotos(eventId),
    };
    return { status: 200, body };
  });

export const handler = createHandler({ photos });
