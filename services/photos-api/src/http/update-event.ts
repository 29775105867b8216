import { ForbiddenError, NotFoundError, parseOrThrow, updateEventSchema } from '@event-photos/core';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';
import { isOrganizerOf } from '#lib/event-organizer';
import { eventView } from '#lib/event-view';
import { callerId, pathEventId } from '#lib/http';
import { jsonBodyHandler } from '#lib/json-body';

/** PATCH /events/{eventId} `{ name?, description?, open? }`: by the event's organizer only. */
export const createHandler = ({ photos }: Pick<Stores, 'photos'>) =>
  jsonBodyHandler(async (event, requestBody) => {
    const eventId = pathEventId(event);
    const changes = parseOrThrow(updateEventSchema, requestBody);
    const photoEvent = await photos.getEvent(eventId);
    if (!photoEvent) throw new NotFoundError(`Event ${eventId} does not exist`, 'eventId');
    if (!isOrganizerOf(photoEvent, event)) throw new ForbiddenError(`Only the organizer of event ${eventId} can change it`);
    // The write is conditional on the organizer too; null means the event went away meanwhile.
    const updated = await photos.updateEvent(eventId, callerId(event), changes);
    if (!updated) throw new NotFoundError(`Event ${eventId} does not exist`, 'eventId');
    return { status: 200, body: eventView(updated, event) };
  });

export const handler = createHandler({ photos });
