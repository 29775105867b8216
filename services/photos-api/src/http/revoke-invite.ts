import { NotFoundError } from '@event-photos/core';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import type { EventStores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { organizerAccess } from '#lib/event-access';
import { httpHandler, pathEventId, pathInviteId } from '#lib/http';
import { systemClock } from '#uploads/lifecycle';

/**
 * DELETE /events/{eventId}/invites/{inviteId}: joining with its code fails from then on; 204, again
 * on a repeat. Members who joined with it stay (remove them one by one). Its organizer only.
 */
export const createHandler = (stores: EventStores, clock = systemClock, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const inviteId = pathInviteId(event);
    await organizerAccess(stores, eventId, callerOf(event, inGroup), 'revoke its invites');
    if (!(await stores.members.revokeInvite(eventId, inviteId, clock())))
      throw new NotFoundError(`Invite ${inviteId} does not exist in event ${eventId}`, 'inviteId');
    return { status: 204, body: undefined };
  });

export const handler = createHandler({ photos, members });
