import { type Caller, ForbiddenError } from '@event-photos/core';
import { callerGroups, callerId, type HttpEvent, type RouteMiddleware } from '#lib/http';

export const ORGANIZERS_GROUP = 'organizers';

/**
 * Whether the caller of `event` is in `group` now. The handlers are given organizers-group.ts's
 * `liveGroups` (the user pool's answer); unit tests give `tokenGroups` or a fake.
 */
export type GroupCheck = (event: HttpEvent, group: string) => Promise<boolean>;

/** The token's groups: what the caller was in when the token was signed (up to an hour ago). */
export const tokenGroups: GroupCheck = async (event, group) => callerGroups(event).includes(group);

/**
 * The caller, for the permission rules of @event-photos/core (mayChangePhoto, organizes). No
 * default check: a handler that decides organizer rights says which one it trusts.
 */
export function callerOf(event: HttpEvent, inGroup: GroupCheck): Caller {
  let asked: Promise<boolean> | undefined; // once per request, however many events or photos it decides for
  return { id: callerId(event), inOrganizersGroup: () => (asked ??= inGroup(event, ORGANIZERS_GROUP)) };
}

/** Refuses anyone outside the organizers group: a middleware, so before the body is even parsed. */
export function organizersOnly(action: string, inGroup: GroupCheck): RouteMiddleware {
  return {
    before: async ({ event }) => {
      if (!(await inGroup(event, ORGANIZERS_GROUP)))
        throw new ForbiddenError(`Only members of the ${ORGANIZERS_GROUP} group can ${action}`);
    },
  };
}
