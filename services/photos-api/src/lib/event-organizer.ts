import type { PhotoEvent } from '@event-photos/core';
import { callerGroups, callerId, type HttpEvent } from '#lib/http';

export const ORGANIZERS_GROUP = 'organizers';

/** The caller organizes the event: it created it (its sub) and is still in the organizers group. */
export function isOrganizerOf(photoEvent: PhotoEvent, event: HttpEvent): boolean {
  return photoEvent.organizerId === callerId(event) && callerGroups(event).includes(ORGANIZERS_GROUP);
}
