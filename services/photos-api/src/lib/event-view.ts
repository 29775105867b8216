import { effectiveQuotas, type EventView, type PhotoEvent } from '@event-photos/core';
import { isOrganizerOf } from '#lib/event-organizer';
import type { HttpEvent } from '#lib/http';

/** The event as the caller sees it: `mine` in place of the organizer's user id. */
export function eventView(photoEvent: PhotoEvent, event: HttpEvent): EventView {
  return {
    eventId: photoEvent.eventId,
    name: photoEvent.name,
    description: photoEvent.description ?? '',
    open: photoEvent.open !== false,
    createdAt: photoEvent.createdAt,
    mine: isOrganizerOf(photoEvent, event),
    quotas: effectiveQuotas(photoEvent),
  };
}
