import { listMembersQuerySchema, parseOrThrow } from '@event-photos/core';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import type { EventStores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { organizerAccess } from '#lib/event-access';
import { httpHandler, pathEventId } from '#lib/http';
import { listMembers } from '#members/members';

/**
 * GET /events/{eventId}/members?limit=&cursor=: the members, each with their name, when they
 * joined, their rights and how many photos they hold; never a user id or an e-mail. Its organizer only.
 */
export const createHandler = (stores: EventStores, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    await organizerAccess(stores, eventId, callerOf(event, inGroup), 'see its members');
    const query = parseOrThrow(listMembersQuerySchema, event.queryStringParameters ?? {}, 'query');
    return { status: 200, body: await listMembers(stores, eventId, query) };
  });

export const handler = createHandler({ photos, members });
