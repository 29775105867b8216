import { ConflictError, ForbiddenError, editPhotoSchema, mayChangePhoto, NotFoundError, parseOrThrow, photoView } from '@event-photos/core';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { pathEventId, pathPhotoId } from '#lib/http';
import { jsonBodyHandler } from '#lib/json-body';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';

/**
 * PATCH /events/{eventId}/photos/{photoId} `{ title?, description? }`: the uploader or the event's
 * organizer changes a ready photo's text. An upload still being processed cannot be edited yet
 * (409): processing copies the text from the upload record, and an edit there could be lost to it.
 */
export const createHandler = ({ photos }: Pick<Stores, 'photos'>, inGroup: GroupCheck = liveGroups) =>
  jsonBodyHandler(async (event, requestBody) => {
    const eventId = pathEventId(event);
    const photoId = pathPhotoId(event);
    const caller = callerOf(event, inGroup);
    const changes = parseOrThrow(editPhotoSchema, requestBody);
    const [photoEvent, photo, upload] = await Promise.all([
      photos.getEvent(eventId),
      photos.getPhoto(eventId, photoId),
      photos.getUpload(eventId, photoId),
    ]);
    if (!photoEvent) throw new NotFoundError(`Event ${eventId} does not exist`, 'eventId');
    const record = upload?.status === 'deleted' ? null : (photo ?? upload);
    if (!record) throw new NotFoundError(`Photo ${photoId} does not exist in event ${eventId}`, 'photoId');
    if (!(await mayChangePhoto(caller, record, photoEvent))) {
      throw new ForbiddenError('Only the uploader or the event organizer can edit this photo');
    }
    if (!photo) throw new ConflictError(`Photo ${photoId} is not processed yet`, 'photoId');
    const updated = await photos.updatePhotoText(eventId, photoId, changes);
    // Deleted between the read and the update.
    if (!updated) throw new NotFoundError(`Photo ${photoId} does not exist in event ${eventId}`, 'photoId');
    return { status: 200, body: { ...photoView(updated, caller.id), status: 'ready' } };
  });

export const handler = createHandler({ photos });
