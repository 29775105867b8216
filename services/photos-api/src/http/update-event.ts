import { ForbiddenError, NotFoundError, organizes, parseOrThrow, updateEventSchema } from '@event-photos/core';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventView } from '#lib/event-view';
import { pathEventId } from '#lib/http';
import { jsonBodyHandler } from '#lib/json-body';

/** PATCH /events/{eventId} `{ name?, description?, open? }`: by the event's organizer only. */
export const createHandler = ({ photos }: Pick<Stores, 'photos'>, inGroup: GroupCheck = liveGroups) =>
  jsonBodyHandler(async (event, requestBody) => {
    const eventId = pathEventId(event);
    const changes = parseOrThrow(updateEventSchema, requestBody);
    const photoEvent = await photos.getEvent(eventId);
    if (!photoEvent) throw new NotFoundError(`Event ${eventId} does not exist`, 'eventId');
    const caller = callerOf(event, inGroup);
    if (!(await organizes(caller, photoEvent))) throw new ForbiddenError(`Only the organizer of event ${eventId} can change it`);
    // The write is conditional on the organizer too; null means the event went away meanwhile.
    const updated = await photos.updateEvent(eventId, caller.id, changes);
    if (!updated) throw new NotFoundError(`Event ${eventId} does not exist`, 'eventId');
    return { status: 200, body: await eventView(updated, caller) };
  });

export const handler = createHandler({ photos });
