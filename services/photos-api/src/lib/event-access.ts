import { accessTo, type Caller, type EventAccess, ForbiddenError, mayManage, NotFoundError, type PhotoEvent } from '@event-photos/core';
import type { EventStores } from '#lib/stores';

// The one check of every route about an event (GET /events/{eventId} and everything below it):
// who the caller is to the event, or the answer that it does not exist.

/** The answer to anyone who may not see an event: the same as for an event that does not exist. */
export const eventNotFound = (eventId: string) => new NotFoundError(`Event ${eventId} does not exist`, 'eventId');

/** An event the caller may see, and what they may do in it. */
export interface EventInReach {
  event: PhotoEvent;
  access: EventAccess;
}

/**
 * Reads the event and the caller's membership together (the stores batch them: one BatchGetItem,
 * strongly consistent, so a removed member is out at once), then resolves the caller's access:
 * its organizer (the organizers group asked only for the user who created it), a member, or a
 * NotFoundError, the same as for an event that does not exist.
 */
export async function eventAccess({ photos, members }: EventStores, eventId: string, caller: Caller): Promise<EventInReach> {
  const [event, membership] = await Promise.all([photos.getEvent(eventId), members.getMembership(eventId, caller.id)]);
  const access = event && (await accessTo(caller, event, membership));
  if (!event || !access) throw eventNotFound(eventId);
  return { event, access };
}

/** As eventAccess, then a ForbiddenError for a member: `action` is its organizer's alone. */
export async function organizerAccess(stores: EventStores, eventId: string, caller: Caller, action: string): Promise<EventInReach> {
  const reached = await eventAccess(stores, eventId, caller);
  if (!mayManage(reached.access)) throw new ForbiddenError(`Only the organizer of event ${eventId} can ${action}`);
  return reached;
}
