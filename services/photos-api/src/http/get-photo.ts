import { maySeePhotoOf, NotFoundError, photoView, seesOthers } from '@event-photos/core';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventAccess } from '#lib/event-access';
import { cdnSigner, type EventUrlSigner, signedPhotoView } from '#lib/cdn-urls';
import { httpHandler, pathEventId, pathPhotoId } from '#lib/http';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import type { EventStores } from '#lib/stores';

/**
 * GET /events/{eventId}/photos/{photoId}: a ready photo (`status: 'ready'`); its upload while it
 * is processed (`pending`, also once accepted while its objects are published); or why it
 * ended: `rejected` with `rejectionReason`, `duplicate` with `duplicateOf`. A deleted photo is
 * 404, and so is another's photo to a member who sees only their own.
 */
export const createHandler = (stores: EventStores, inGroup: GroupCheck = liveGroups, signer: () => Promise<EventUrlSigner> = cdnSigner) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const photoId = pathPhotoId(event);
    const caller = callerOf(event, inGroup);
    const { access } = await eventAccess(stores, eventId, caller);
    const { photos } = stores;
    const [photo, upload] = await Promise.all([photos.getPhoto(eventId, photoId), photos.getUpload(eventId, photoId)]);
    const uploaderId = photo?.uploaderId ?? upload?.uploaderId;
    if (upload?.status === 'deleted' || uploaderId === undefined || !maySeePhotoOf(access, caller.id, uploaderId))
      throw new NotFoundError(`Photo ${photoId} does not exist in event ${eventId}`, 'photoId');
    // Signed only now, the caller's access checked: an upload still processed has no URLs to sign.
    if (photo) return { status: 200, body: { ...signedPhotoView(photoView(photo, caller.id, access), await signer()), status: 'ready' } };
    // The object key and URL expiry are internal details of the upload; accepted is still pending to its uploader.
    const { objectKey: _key, expiresAt: _expiresAt, ...shown } = upload!;
    const body =
      shown.status === 'accepted'
        ? (({ acceptedAt: _at, ...rest }) => ({ ...rest, status: 'pending' as const }))(shown)
        : // Which photo holds the same bytes: not to a member who sees only their own photos.
          shown.status === 'duplicate' && !seesOthers(access)
          ? (({ duplicateOf: _of, ...rest }) => rest)(shown)
          : shown;
    return { status: 200, body: photoView(body, caller.id, access) };
  });

export const handler = createHandler({ photos, members });
