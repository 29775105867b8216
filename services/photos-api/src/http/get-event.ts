import { type EventDetails, seesOthers } from '@event-photos/core';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import type { EventStores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventAccess } from '#lib/event-access';
import { eventView } from '#lib/event-view';
import { httpHandler, pathEventId } from '#lib/http';

/**
 * GET /events/{eventId}: the event and how many processed photos it has (a member who sees only
 * their own photos: how many of theirs). 404 for anyone neither its organizer nor a member.
 */
export const createHandler = (stores: EventStores, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const caller = callerOf(event, inGroup);
    const { event: photoEvent, access } = await eventAccess(stores, eventId, caller);
    const body: EventDetails = {
      ...eventView(photoEvent, access.kind === 'organizer'),
      photoCount: await stores.photos.countPhotos(eventId, seesOthers(access) ? undefined : caller.id),
    };
    return { status: 200, body };
  });

export const handler = createHandler({ photos, members });
