import { listPhotosQuerySchema, parseOrThrow, photoView, seesOthers, type PhotoPage } from '@event-photos/core';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import { listing } from '#lib/photo-listing-store';
import type { ListingStores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventAccess } from '#lib/event-access';
import { httpHandler, pathEventId } from '#lib/http';
import { cdnSigner, type EventUrlSigner, signedPhotoView } from '#lib/cdn-urls';

/**
 * GET /events/{eventId}/photos?limit=&cursor=&q=&uploader=me: newest ready first; with `since=`
 * (a feedCursor) what became ready after that answer, oldest first. A member who sees only their
 * own photos (invite `viewOthers: false`) gets their own in every list, search and feed, as with
 * `uploader=me`.
 */
export const createHandler = (stores: ListingStores, inGroup: GroupCheck = liveGroups, signer: () => Promise<EventUrlSigner> = cdnSigner) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const caller = callerOf(event, inGroup);
    const { access } = await eventAccess(stores, eventId, caller);
    const { uploader, ...query } = parseOrThrow(listPhotosQuerySchema, event.queryStringParameters ?? {}, 'query');
    const { items, nextCursor, feedCursor } = await stores.listing.listPhotos(eventId, {
      ...query,
      ...(uploader === 'me' || !seesOthers(access) ? { uploaderId: caller.id } : {}),
    });
    // Signed after the access check: the URLs of the event's photos, for this caller's window.
    const urls = await signer();
    const body: PhotoPage = {
      items: items.map((photo) => signedPhotoView(photoView(photo, caller.id, access), urls)),
      nextCursor,
      feedCursor,
    };
    return { status: 200, body };
  });

export const handler = createHandler({ photos, members, listing });
