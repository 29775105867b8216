import { type SignedDownload, signDownload } from '@event-photos/aws';
import {
  ForbiddenError,
  IMAGE_CONTENT_TYPES,
  mayDownloadUntouched,
  maySeePhotoOf,
  NotFoundError,
  ORIGINAL_URL_SECONDS,
  originalObjectKey,
  type Photo,
} from '@event-photos/core';
import { config } from '#lib/config';
import { eventAccess } from '#lib/event-access';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { httpHandler, pathEventId, pathPhotoId } from '#lib/http';
import { members } from '#lib/member-store';
import { liveGroups } from '#lib/organizers-group';
import { photos } from '#lib/photo-store';
import type { EventStores } from '#lib/stores';
import { uploadSigning } from '#lib/upload-signing';

/** Signs a download of one private object, saved as `fileName`. */
export type SignOriginal = (key: string, fileName: string) => Promise<SignedDownload>;

/** With the function's role, which may read originals/ and nothing else. */
export const signWithRole: SignOriginal = (key, fileName) =>
  signDownload(uploadSigning, { bucket: config.bucketName, key, fileName, expiresInSeconds: ORIGINAL_URL_SECONDS });

/**
 * GET /events/{eventId}/photos/{photoId}/original: a presigned GET, valid ORIGINAL_URL_SECONDS,
 * of the photo's untouched original (location and device details included), for its uploader
 * and the event's organizer. Another member who sees the photo: 403; a photo the caller cannot
 * see, or no access to the event: 404, as for one that does not exist.
 */
export const createHandler = (stores: EventStores, sign: SignOriginal = signWithRole, inGroup: GroupCheck = liveGroups) =>
  httpHandler(async (event) => {
    const eventId = pathEventId(event);
    const photoId = pathPhotoId(event);
    const caller = callerOf(event, inGroup);
    const { access } = await eventAccess(stores, eventId, caller);
    const photo = await stores.photos.getPhoto(eventId, photoId);
    if (!photo || !maySeePhotoOf(access, caller.id, photo.uploaderId))
      throw new NotFoundError(`Photo ${photoId} does not exist in event ${eventId}`, 'photoId');
    if (!mayDownloadUntouched(access, caller.id, photo.uploaderId))
      throw new ForbiddenError('Only the uploader or the event organizer can download the untouched original');
    const key = originalObjectKey(eventId, photoId, photo.contentType);
    // Photos processed before originals were kept apart have none (their published file is the upload).
    if (!photo.objectKeys.includes(key)) throw new NotFoundError(`Photo ${photoId} has no untouched original kept`, 'photoId');
    const { url, expiresAt } = await sign(key, downloadName(photo));
    return { status: 200, body: { url, expiresAt: expiresAt.toISOString() } };
  });

/** The title as a file name (its own extension added), or the photo id when the title gives none. */
export function downloadName({ title, photoId, contentType }: Pick<Photo, 'title' | 'photoId' | 'contentType'>): string {
  const base = title
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}/\\:*?"<>|]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+/, '')
    .slice(0, 100)
    .trim();
  return `${base || photoId}.${IMAGE_CONTENT_TYPES[contentType]}`;
}

export const handler = createHandler({ photos, members });
