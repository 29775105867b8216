import { v7 as uuidv7 } from 'uuid';
import { signUpload } from '@event-photos/aws';
import {
  EventClosedError,
  NotFoundError,
  QuotaExceededError,
  effectiveQuotas,
  encodeUploadMetadata,
  initiateUploadSchema,
  parseOrThrow,
  photoView,
  uploadObjectKey,
  type DuplicateUploadResponse,
  type InitiateUploadResponse,
} from '@event-photos/core';
import { config } from '#lib/config';
import { photos } from '#lib/photo-store';
import type { Stores } from '#lib/stores';
import { uploadSigning } from '#lib/upload-signing';
import { callerId, pathEventId } from '#lib/http';
import { jsonBodyHandler } from '#lib/json-body';
import { callerName } from '#lib/caller-name';
import { findDuplicatePhoto } from '#lib/find-duplicate-photo';

const requestSchema = initiateUploadSchema(config.maxUploadBytes);
const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/**
 * POST /events/{eventId}/photos/initiate-upload: records the upload and signs a PUT URL for it;
 * or, when the declared sha256 is already a photo of the event, answers 200 with that photo.
 */
export const createHandler = ({ photos }: Pick<Stores, 'photos'>) =>
  jsonBodyHandler(async (event, requestBody) => {
    const eventId = pathEventId(event);
    const uploaderId = callerId(event);
    const request = parseOrThrow(requestSchema, requestBody);
    // Independent reads, started together: one round trip (the store batches them).
    const [photoEvent, held, existing] = await Promise.all([
      photos.getEvent(eventId),
      photos.storedTotals(eventId, uploaderId),
      // Only a hint that saves the upload: processing still deduplicates by the hash of the stored bytes.
      request.sha256 === undefined ? null : findDuplicatePhoto({ photos }, eventId, request.sha256),
    ]);
    if (!photoEvent) throw new NotFoundError(`Event ${eventId} does not exist`, 'eventId');
    // Closing stops new uploads; URLs signed before it still work until they expire (minutes).
    if (photoEvent.open === false) throw new EventClosedError(`Event ${eventId} is closed to uploads`, 'eventId');
    if (existing) {
      const body: DuplicateUploadResponse = { duplicate: true, photo: photoView(existing, uploaderId) };
      return { status: 200, body };
    }

    // After the duplicate check (a photo the event holds costs nothing), before a URL exists.
    const quotas = effectiveQuotas(photoEvent);
    // Totals are counted when processing accepts a photo (which refuses one over them); this check only
    // spares an upload that could not be kept. No Retry-After: waiting frees nothing.
    if (held.user.photos >= quotas.userPhotosTotal || held.user.bytes + request.size > quotas.userBytesTotal) {
      throw new QuotaExceededError(
        `You already have ${held.user.photos} photos (${gib(held.user.bytes)}) in this event, its limit per attendee; delete some to upload more`,
      );
    }
    if (held.event.photos >= quotas.eventPhotosTotal || held.event.bytes + request.size > quotas.eventBytesTotal) {
      throw new QuotaExceededError(
        `This event already holds ${held.event.photos} photos (${gib(held.event.bytes)}), its limit; the organizer can raise it`,
      );
    }
    const quota = await photos.reserveUpload(eventId, uploaderId, request.size, quotas);
    if (!quota.reserved) {
      const minutes = Math.ceil(quota.retryAfterSeconds / 60);
      const whose = quota.scope === 'user' ? 'You have reached your upload limit' : 'This event has reached its upload limit';
      throw new QuotaExceededError(
        `${whose} for this hour; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
        quota.retryAfterSeconds,
      );
    }

    const photoId = uuidv7();
    const key = uploadObjectKey(eventId, photoId, request.contentType);
    const now = new Date();
    const signed = await signUpload(
      uploadSigning,
      {
        bucket: config.bucketName,
        key,
        contentType: request.contentType,
        size: request.size,
        metadata: encodeUploadMetadata({ photoId, eventId, uploaderId, ...request }),
        expiresInSeconds: config.uploadUrlExpiresSeconds,
        sha256Base64: request.sha256 && Buffer.from(request.sha256, 'hex').toString('base64'),
      },
      now,
    );
    await photos.savePendingUpload({
      photoId,
      eventId,
      uploaderId,
      uploaderName: callerName(event),
      title: request.title,
      description: request.description,
      contentType: request.contentType,
      size: request.size,
      objectKey: key,
      initiatedAt: now.toISOString(),
      expiresAt: signed.expiresAt.toISOString(),
    });

    const body: InitiateUploadResponse = {
      photoId,
      s3PutObjectUrl: signed.url,
      method: 'PUT',
      headers: signed.headers,
      expiresAt: signed.expiresAt.toISOString(),
    };
    return { status: 201, body };
  });

export const handler = createHandler({ photos });
