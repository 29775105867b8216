import { ConflictError, ForbiddenError, createEventSchema, parseOrThrow } from '@event-photos/core';
import { photos } from '#lib/photo-store';
import { callerGroups, callerId, httpHandler, jsonBody } from '#lib/http';

export const ORGANIZERS_GROUP = 'organizers';

/** POST /events: organizers (Cognito group) create an event photos can be uploaded to. */
export const handler = httpHandler(async (event) => {
  if (!callerGroups(event).includes(ORGANIZERS_GROUP)) {
    throw new ForbiddenError(`Only members of the ${ORGANIZERS_GROUP} group can create events`);
  }
  const { eventId, name } = parseOrThrow(createEventSchema, jsonBody(event));
  const created = { eventId, name, organizerId: callerId(event), createdAt: new Date().toISOString() };
  if (!(await photos.createEvent(created))) throw new ConflictError(`Event ${eventId} already exists`, 'eventId');
  return { status: 201, body: created };
});
