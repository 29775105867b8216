import { type Caller, type EventView, effectiveQuotas, organizes, type PhotoEvent } from '@event-photos/core';

/** The event as the caller sees it: `mine` in place of the organizer's user id. */
export async function eventView(photoEvent: PhotoEvent, caller: Caller): Promise<EventView> {
  return {
    eventId: photoEvent.eventId,
    name: photoEvent.name,
    description: photoEvent.description ?? '',
    open: photoEvent.open !== false,
    createdAt: photoEvent.createdAt,
    mine: await organizes(caller, photoEvent),
    quotas: effectiveQuotas(photoEvent),
  };
}
