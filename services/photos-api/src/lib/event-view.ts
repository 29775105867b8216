import { type EventView, effectiveQuotas, type PhotoEvent } from '@event-photos/core';

/** The event as the caller sees it: `mine` (whether they organize it) in place of the organizer's user id. */
export function eventView(photoEvent: PhotoEvent, mine: boolean): EventView {
  return {
    eventId: photoEvent.eventId,
    name: photoEvent.name,
    description: photoEvent.description ?? '',
    open: photoEvent.open !== false,
    createdAt: photoEvent.createdAt,
    mine,
    quotas: effectiveQuotas(photoEvent),
  };
}
