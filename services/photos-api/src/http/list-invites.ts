import { inviteView, type InviteList } from '@event-photos/core';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import type { EventStores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { organizerAccess } from '#lib/event-access';
import { httpHandler, pathEventId } from '#lib/http';

/** GET /events/{eventId}/invites: every invite, revoked ones included, newest first, never a code (its organizer only). */
export const createHandler = (stores: EventStores, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    await organizerAccess(stores, eventId, callerOf(event, inGroup), 'see its invites');
    const body: InviteList = { items: (await stores.members.listInvites(eventId)).map(inviteView) };
    return { status: 200, body };
  });

export const handler = createHandler({ photos, members });
