import { ConflictError, createEventSchema, parseOrThrow } from '@event-photos/core';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';
import { type GroupCheck, organizersOnly } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventView } from '#lib/event-view';
import { callerId } from '#lib/http';
import { jsonBodyHandler } from '#lib/json-body';

/**
 * POST /events: organizers (Cognito group) create an event photos can be uploaded to; the store
 * records its creator as its organizer (GET /events lists it for them).
 */
export const createHandler = ({ photos }: Pick<Stores, 'photos'>, inGroup: GroupCheck = liveGroups) =>
  jsonBodyHandler(
    async (event, requestBody) => {
      const { eventId, name, description } = parseOrThrow(createEventSchema, requestBody);
      const created = { eventId, name, description, open: true, organizerId: callerId(event), createdAt: new Date().toISOString() };
      if (!(await photos.createEvent(created))) throw new ConflictError(`Event ${eventId} already exists`, 'eventId');
      // As every other route shows an event: `mine` (the group check above just passed), never the organizer's user id.
      return { status: 201, body: eventView(created, true) };
    },
    organizersOnly('create events', inGroup),
  );

export const handler = createHandler({ photos });
