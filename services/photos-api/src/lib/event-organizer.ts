import { ForbiddenError, type PhotoEvent } from '@event-photos/core';
import { callerGroups, callerId, type HttpEvent, type RouteMiddleware } from '#lib/http';

export const ORGANIZERS_GROUP = 'organizers';

/** The caller organizes the event: it created it (its sub) and is still in the organizers group. */
export function isOrganizerOf(photoEvent: PhotoEvent, event: HttpEvent): boolean {
  return photoEvent.organizerId === callerId(event) && callerGroups(event).includes(ORGANIZERS_GROUP);
}

/** Refuses anyone outside the organizers group: a middleware, so before the body is even parsed. */
export function organizersOnly(action: string): RouteMiddleware {
  return {
    before: ({ event }) => {
      if (!callerGroups(event).includes(ORGANIZERS_GROUP))
        throw new ForbiddenError(`Only members of the ${ORGANIZERS_GROUP} group can ${action}`);
    },
  };
}
