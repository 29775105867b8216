import { NotFoundError, listPhotosQuerySchema, parseOrThrow, photoView, type PhotoPage } from '@event-photos/core';
import { photos } from '#lib/photo-store';
import { callerId, httpHandler, pathEventId } from '#lib/http';

/** GET /events/{eventId}/photos?limit=&cursor=: newest first. */
export const handler = httpHandler(async (event) => {
  const eventId = pathEventId(event);
  const caller = callerId(event);
  const query = parseOrThrow(listPhotosQuerySchema, event.queryStringParameters ?? {}, 'query');
  if (!(await photos.getEvent(eventId))) throw new NotFoundError(`Event ${eventId} does not exist`, 'eventId');
  const { items, nextCursor } = await photos.listPhotos(eventId, query);
  const body: PhotoPage = { items: items.map((photo) => photoView(photo, caller)), nextCursor };
  return { status: 200, body };
});
