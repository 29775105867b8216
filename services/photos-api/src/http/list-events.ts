import { accessTo, listEventsQuerySchema, parseOrThrow, type EventPage, type EventView } from '@event-photos/core';
import { members } from '#lib/member-store';
import type { Stores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventView } from '#lib/event-view';
import { httpHandler } from '#lib/http';

/**
 * GET /events?limit=&cursor=: the events the caller organizes or is a member of, newest first. An
 * event they created stays out while the organizers group does not hold them (unless they joined
 * it), so such a page may be shorter than `limit` and still have a cursor.
 */
export const createHandler = ({ members }: Pick<Stores, 'members'>, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const query = parseOrThrow(listEventsQuerySchema, event.queryStringParameters ?? {}, 'query');
    const caller = callerOf(event, inGroup);
    const page = await members.listEventsOf(caller.id, query);
    const items: EventView[] = [];
    for (const { event: photoEvent, membership } of page.items) {
      const access = await accessTo(caller, photoEvent, membership);
      if (access) items.push(eventView(photoEvent, access.kind === 'organizer'));
    }
    const body: EventPage = { items, nextCursor: page.nextCursor };
    return { status: 200, body };
  });

export const handler = createHandler({ members });
