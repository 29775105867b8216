import { type EventDetails, rightsOf, seesOthers } from '@event-photos/core';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import type { EventStores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventAccess } from '#lib/event-access';
import { eventView } from '#lib/event-view';
import { httpHandler, pathEventId } from '#lib/http';

/** The organizer may do everything in their event. */
const ORGANIZER_RIGHTS = { upload: true, viewOthers: true, downloadOriginals: true };

/**
 * GET /events/{eventId}: the event, how many processed photos it has (a member who sees only
 * their own photos: how many of theirs) and the caller's rights in it (what the app offers them).
 * 404 for anyone neither its organizer nor a member.
 */
export const createHandler = (stores: EventStores, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const caller = callerOf(event, inGroup);
    const { event: photoEvent, access } = await eventAccess(stores, eventId, caller);
    const body: EventDetails = {
      ...eventView(photoEvent, access.kind === 'organizer'),
      photoCount: await stores.photos.countPhotos(eventId, seesOthers(access) ? undefined : caller.id),
      rights: access.kind === 'organizer' ? ORGANIZER_RIGHTS : rightsOf(access.membership),
    };
    return { status: 200, body };
  });

export const handler = createHandler({ photos, members });
