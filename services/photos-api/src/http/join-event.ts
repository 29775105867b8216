import { joinEventSchema, parseOrThrow } from '@event-photos/core';
import { members } from '#lib/member-store';
import type { Stores } from '#lib/stores';
import { callerName } from '#lib/caller-name';
import { callerId, pathEventId } from '#lib/http';
import { jsonBodyHandler } from '#lib/json-body';
import { joinEvent } from '#members/members';
import { systemClock } from '#uploads/lifecycle';

/**
 * POST /events/{eventId}/members `{ code }`: any signed-in user joins with an invite's code; 201,
 * or 200 when already a member. 404 for a wrong, revoked or expired code as for an unknown event;
 * 429 over the per-user limit of attempts. The member's name is the token's, as uploads record it.
 */
export const createHandler = ({ members }: Pick<Stores, 'members'>, clock = systemClock) =>
  jsonBodyHandler(async (event, requestBody) => {
    const eventId = pathEventId(event);
    const { code } = parseOrThrow(joinEventSchema, requestBody);
    return joinEvent({ members, clock }, eventId, { userId: callerId(event), displayName: callerName(event) }, code);
  });

export const handler = createHandler({ members });
