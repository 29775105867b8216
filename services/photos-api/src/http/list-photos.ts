import { NotFoundError, listPhotosQuerySchema, parseOrThrow } from '@event-photos/core';
import { photos } from '#lib/photo-store';
import { httpHandler, pathEventId } from '#lib/http';

/** GET /events/{eventId}/photos?limit=&cursor=: newest first. */
export const handler = httpHandler(async (event) => {
  const eventId = pathEventId(event);
  const query = parseOrThrow(listPhotosQuerySchema, event.queryStringParameters ?? {}, 'query');
  if (!(await photos.getEvent(eventId))) throw new NotFoundError(`Event ${eventId} does not exist`, 'eventId');
  return { status: 200, body: await photos.listPhotos(eventId, query) };
});
