import { parseOrThrow, updateEventSchema } from '@event-photos/core';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import type { EventStores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventNotFound, organizerAccess } from '#lib/event-access';
import { eventView } from '#lib/event-view';
import { pathEventId } from '#lib/http';
import { jsonBodyHandler } from '#lib/json-body';

/** PATCH /events/{eventId} `{ name?, description?, open?, quotas? }`: by the event's organizer only (403 for a member, 404 for anyone else). */
export const createHandler = (stores: EventStores, inGroup: GroupCheck = liveGroups) =>
  jsonBodyHandler(async (event, requestBody) => {
    const eventId = pathEventId(event);
    const caller = callerOf(event, inGroup);
    await organizerAccess(stores, eventId, caller, 'change it');
    const changes = parseOrThrow(updateEventSchema, requestBody);
    // The write is conditional on the organizer too; null means the event went away meanwhile.
    const updated = await stores.photos.updateEvent(eventId, caller.id, changes);
    if (!updated) throw eventNotFound(eventId);
    return { status: 200, body: eventView(updated, true) };
  });

export const handler = createHandler({ photos, members });
