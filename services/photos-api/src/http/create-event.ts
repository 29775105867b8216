import { ConflictError, ForbiddenError, createEventSchema, parseOrThrow } from '@event-photos/core';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';
import { ORGANIZERS_GROUP } from '#lib/event-organizer';
import { eventView } from '#lib/event-view';
import { callerGroups, callerId, httpHandler, jsonBody } from '#lib/http';

/** POST /events: organizers (Cognito group) create an event photos can be uploaded to. */
export const createHandler = ({ photos }: Pick<Stores, 'photos'>) => httpHandler(async (event) => {
  if (!callerGroups(event).includes(ORGANIZERS_GROUP)) {
    throw new ForbiddenError(`Only members of the ${ORGANIZERS_GROUP} group can create events`);
  }
  const { eventId, name, description } = parseOrThrow(createEventSchema, jsonBody(event));
  const created = { eventId, name, description, open: true, organizerId: callerId(event), createdAt: new Date().toISOString() };
  if (!(await photos.createEvent(created))) throw new ConflictError(`Event ${eventId} already exists`, 'eventId');
  // As every other route shows an event: `mine`, never the organizer's user id.
  return { status: 201, body: eventView(created, event) };
});

export const handler = createHandler({ photos });
