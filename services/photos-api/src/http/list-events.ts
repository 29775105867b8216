import { listEventsQuerySchema, parseOrThrow, type EventPage } from '@event-photos/core';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventView } from '#lib/event-view';
import { httpHandler } from '#lib/http';

/** GET /events?limit=&cursor=: every event, newest first, for any signed-in user. */
export const createHandler = ({ photos }: Pick<Stores, 'photos'>, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const query = parseOrThrow(listEventsQuerySchema, event.queryStringParameters ?? {}, 'query');
    const page = await photos.listEvents(query);
    const caller = callerOf(event, inGroup);
    const body: EventPage = { items: await Promise.all(page.items.map((item) => eventView(item, caller))), nextCursor: page.nextCursor };
    return { status: 200, body };
  });

export const handler = createHandler({ photos });
