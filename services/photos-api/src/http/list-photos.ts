import { listPhotosQuerySchema, parseOrThrow, photoView, seesOthers, type Photo, type PhotoPage } from '@event-photos/core';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import { listing } from '#lib/photo-listing-store';
import type { ListingStores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventAccess } from '#lib/event-access';
import { eventView } from '#lib/event-view';
import { httpHandler, pathEventId } from '#lib/http';
import { cdnSigner, type EventUrlSigner, signedPhotoView } from '#lib/cdn-urls';

/**
 * GET /events/{eventId}/photos?limit=&cursor=&q=&uploader=me: newest ready first; with `since=`
 * (a feedCursor) what became ready after that answer, oldest first, with the photos edited
 * (`changed`) and deleted (`removed`) since and the event as it is now (`event`: a rename, a
 * close). A member who sees only their own photos (invite `viewOthers: false`) gets their own in
 * every list, search and feed, as with `uploader=me`.
 */
export const createHandler = (stores: ListingStores, inGroup: GroupCheck = liveGroups, signer: () => Promise<EventUrlSigner> = cdnSigner) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const caller = callerOf(event, inGroup);
    const { event: photoEvent, access } = await eventAccess(stores, eventId, caller);
    const { uploader, ...query } = parseOrThrow(listPhotosQuerySchema, event.queryStringParameters ?? {}, 'query');
    const { items, nextCursor, feedCursor, changed, removed } = await stores.listing.listPhotos(eventId, {
      ...query,
      ...(uploader === 'me' || !seesOthers(access) ? { uploaderId: caller.id } : {}),
    });
    // Signed after the access check: the URLs of the event's photos, for this caller's window.
    const urls = await signer();
    const view = (photo: Photo) => signedPhotoView(photoView(photo, caller.id, access), urls);
    const body: PhotoPage = { items: items.map(view), nextCursor, feedCursor };
    if (query.since !== undefined)
      Object.assign(body, {
        changed: (changed ?? []).map(view),
        removed: removed ?? [],
        event: eventView(photoEvent, access.kind === 'organizer'),
      });
    return { status: 200, body };
  });

export const handler = createHandler({ photos, members, listing });
