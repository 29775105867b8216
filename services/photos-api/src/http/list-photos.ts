import { NotFoundError, listPhotosQuerySchema, parseOrThrow, photoView, type PhotoPage } from '@event-photos/core';
import { photos } from '#lib/photo-store';
import { listing } from '#lib/photo-listing-store';
import type { ListingStores } from '#lib/stores';
import { callerId, httpHandler, pathEventId } from '#lib/http';

/**
 * GET /events/{eventId}/photos?limit=&cursor=&q=&uploader=me: newest ready first; with `since=`
 * (a feedCursor) what became ready after that answer, oldest first.
 */
export const createHandler = ({ photos, listing }: ListingStores) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const caller = callerId(event);
    const { uploader, ...query } = parseOrThrow(listPhotosQuerySchema, event.queryStringParameters ?? {}, 'query');
    if (!(await photos.getEvent(eventId))) throw new NotFoundError(`Event ${eventId} does not exist`, 'eventId');
    const { items, nextCursor, feedCursor } = await listing.listPhotos(eventId, {
      ...query,
      ...(uploader === 'me' ? { uploaderId: caller } : {}),
    });
    const body: PhotoPage = { items: items.map((photo) => photoView(photo, caller)), nextCursor, feedCursor };
    return { status: 200, body };
  });

export const handler = createHandler({ photos, listing });
