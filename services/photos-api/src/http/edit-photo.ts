import {
  ConflictError,
  ForbiddenError,
  editPhotoSchema,
  mayChangePhotoOf,
  maySeePhotoOf,
  NotFoundError,
  parseOrThrow,
  photoView,
} from '@event-photos/core';
import { cdnSigner, type EventUrlSigner, signedPhotoView } from '#lib/cdn-urls';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventAccess } from '#lib/event-access';
import { pathEventId, pathPhotoId } from '#lib/http';
import { jsonBodyHandler } from '#lib/json-body';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import type { EventStores } from '#lib/stores';

/**
 * PATCH /events/{eventId}/photos/{photoId} `{ title?, description? }`: the uploader or the event's
 * organizer changes a ready photo's text (another member: 403, or 404 when they may not see it).
 * An upload still being processed cannot be edited yet (409): processing copies the text from the
 * upload record, and an edit there could be lost to it.
 */
export const createHandler = (stores: EventStores, inGroup: GroupCheck = liveGroups, signer: () => Promise<EventUrlSigner> = cdnSigner) =>
  jsonBodyHandler(async (event, requestBody) => {
    const eventId = pathEventId(event);
    const photoId = pathPhotoId(event);
    const caller = callerOf(event, inGroup);
    const { access } = await eventAccess(stores, eventId, caller);
    const changes = parseOrThrow(editPhotoSchema, requestBody);
    const { photos } = stores;
    const [photo, upload] = await Promise.all([photos.getPhoto(eventId, photoId), photos.getUpload(eventId, photoId)]);
    const record = upload?.status === 'deleted' ? null : (photo ?? upload);
    const notFound = () => new NotFoundError(`Photo ${photoId} does not exist in event ${eventId}`, 'photoId');
    if (!record || !maySeePhotoOf(access, caller.id, record.uploaderId)) throw notFound();
    if (!mayChangePhotoOf(access, caller.id, record.uploaderId))
      throw new ForbiddenError('Only the uploader or the event organizer can edit this photo');
    if (!photo) throw new ConflictError(`Photo ${photoId} is not processed yet`, 'photoId');
    const updated = await photos.updatePhotoText(eventId, photoId, changes);
    // Deleted between the read and the update.
    if (!updated) throw notFound();
    return { status: 200, body: { ...signedPhotoView(photoView(updated, caller.id, access), await signer()), status: 'ready' } };
  });

export const handler = createHandler({ photos, members });
