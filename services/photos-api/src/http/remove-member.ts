import { NotFoundError } from '@event-photos/core';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import type { EventStores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { organizerAccess } from '#lib/event-access';
import { httpHandler, pathEventId, pathMemberId } from '#lib/http';

/**
 * DELETE /events/{eventId}/members/{memberId}: 204; the member's next request about the event
 * answers 404 (every route reads the membership strongly consistent). Their photos stay. Its
 * organizer only; 404 for a member who is not there (any more).
 */
export const createHandler = (stores: EventStores, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const memberId = pathMemberId(event);
    await organizerAccess(stores, eventId, callerOf(event, inGroup), 'remove its members');
    if (!(await stores.members.removeMember(eventId, memberId)))
      throw new NotFoundError(`Member ${memberId} does not exist in event ${eventId}`, 'memberId');
    return { status: 204, body: undefined };
  });

export const handler = createHandler({ photos, members });
