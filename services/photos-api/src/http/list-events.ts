import { listEventsQuerySchema, parseOrThrow, type EventPage } from '@event-photos/core';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';
import { eventView } from '#lib/event-view';
import { httpHandler } from '#lib/http';

/** GET /events?limit=&cursor=: every event, newest first, for any signed-in user. */
export const createHandler = ({ photos }: Pick<Stores, 'photos'>) =>
  httpHandler(async (event) => {
    const query = parseOrThrow(listEventsQuerySchema, event.queryStringParameters ?? {}, 'query');
    const page = await photos.listEvents(query);
    const body: EventPage = { items: page.items.map((item) => eventView(item, event)), nextCursor: page.nextCursor };
    return { status: 200, body };
  });

export const handler = createHandler({ photos });
