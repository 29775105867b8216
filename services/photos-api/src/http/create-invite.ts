import { createInviteSchema, parseOrThrow } from '@event-photos/core';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import type { EventStores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { organizerAccess } from '#lib/event-access';
import { pathEventId } from '#lib/http';
import { jsonBodyHandler } from '#lib/json-body';
import { webAppUrl as deployedWebAppUrl } from '#lib/invite-links';
import { createInvite } from '#members/invites';
import { systemClock } from '#uploads/lifecycle';

/**
 * POST /events/{eventId}/invites `{ upload, viewOthers, downloadOriginals, expiresAt? }`: the
 * event's organizer makes a share link; 201 with its code and URL, shown this once.
 */
export const createHandler = (stores: EventStores, webAppUrl = deployedWebAppUrl, clock = systemClock, inGroup: GroupCheck = liveGroups) =>
  jsonBodyHandler(async (event, requestBody) => {
    const eventId = pathEventId(event);
    await organizerAccess(stores, eventId, callerOf(event, inGroup), 'invite people');
    const request = parseOrThrow(createInviteSchema, requestBody);
    return { status: 201, body: await createInvite({ members: stores.members, clock, webAppUrl }, eventId, request) };
  });

export const handler = createHandler({ photos, members });
