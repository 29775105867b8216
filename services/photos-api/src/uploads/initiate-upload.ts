import {
  type DuplicateUploadResponse,
  EventClosedError,
  type EventAccess,
  effectiveQuotas,
  ForbiddenError,
  encodeUploadMetadata,
  type ImageContentType,
  type InitiateUploadRequest,
  type InitiateUploadResponse,
  maySeePhotoOf,
  mayUpload,
  type PhotoEvent,
  type PhotoStore,
  photoView,
  QuotaExceededError,
  type StoredTotals,
  type UploadQuotas,
  uploadObjectKey,
} from '@event-photos/core';
import { v7 as uuidv7 } from 'uuid';
import { type EventUrlSigner, signedPhotoView } from '#lib/cdn-urls';
import { findDuplicatePhoto } from '#uploads/find-duplicate';
import type { Clock } from '#uploads/lifecycle';

/** Signs the browser's PUT (packages/aws upload-signer.ts): everything it pins comes from here. */
export type SignUpload = (
  upload: { key: string; contentType: ImageContentType; size: number; metadata: Record<string, string>; sha256Hex?: string | undefined },
  now: Date,
) => Promise<{ url: string; headers: Record<string, string>; expiresAt: Date }>;

export interface Initiating {
  photos: PhotoStore;
  sign: SignUpload;
  clock: Clock;
  /** Signs the duplicate's URLs (lib/cdn-urls.ts); asked only when there is one to answer. */
  urls: () => Promise<EventUrlSigner>;
}

export interface Uploader {
  id: string;
  name: string;
}

/**
 * Records an upload and signs a PUT URL for it; or, when the declared sha256 is already a photo of
 * the event that the uploader may see, answers that photo (nothing to upload; processing discards
 * a duplicate they may not see). Refuses a member whose invite gives no uploads, a closed event, a
 * full total (no Retry-After: waiting frees nothing) and a full hourly quota (Retry-After: the
 * hour's end). `event` and `access`: the caller's, resolved first (lib/event-access.ts).
 */
export async function initiateUpload(
  { photos, sign, clock, urls }: Initiating,
  { event: photoEvent, access }: { event: PhotoEvent; access: EventAccess },
  uploader: Uploader,
  request: InitiateUploadRequest,
): Promise<{ status: 201; body: InitiateUploadResponse } | { status: 200; body: DuplicateUploadResponse }> {
  const { eventId } = photoEvent;
  if (!mayUpload(access)) throw new ForbiddenError(`Your invite to event ${eventId} does not allow uploads`);
  // Closing stops new uploads; URLs signed before it still work until they expire (minutes).
  if (photoEvent.open === false) throw new EventClosedError(`Event ${eventId} is closed to uploads`, 'eventId');
  // Independent reads, started together: one round trip (the store batches them).
  const [held, existing] = await Promise.all([
    photos.storedTotals(eventId, uploader.id),
    // Only a hint that saves the upload: processing still deduplicates by the hash of the stored bytes.
    request.sha256 === undefined ? null : findDuplicatePhoto(photos, eventId, request.sha256),
  ]);
  if (existing && maySeePhotoOf(access, uploader.id, existing.uploaderId))
    return { status: 200, body: { duplicate: true, photo: signedPhotoView(photoView(existing, uploader.id, access), await urls()) } };

  const quotas = effectiveQuotas(photoEvent);
  refuseOverTotal(held, quotas, request.size);
  const photoId = uuidv7();
  const key = uploadObjectKey(eventId, photoId, request.contentType);
  const now = clock();
  const metadata = encodeUploadMetadata({ photoId, eventId, uploaderId: uploader.id, ...request });
  const signed = await sign({ key, contentType: request.contentType, size: request.size, metadata, sha256Hex: request.sha256 }, now);
  const reservation = await photos.reserveUpload(
    {
      status: 'pending',
      photoId,
      eventId,
      uploaderId: uploader.id,
      uploaderName: uploader.name,
      title: request.title,
      description: request.description,
      contentType: request.contentType,
      size: request.size,
      objectKey: key,
      initiatedAt: now.toISOString(),
      expiresAt: signed.expiresAt.toISOString(),
    },
    quotas,
    now,
  );
  // The URL was never handed out: refused, it lets nothing in.
  if (!reservation.reserved) {
    const minutes = Math.ceil(reservation.retryAfterSeconds / 60);
    const whose = reservation.scope === 'user' ? 'You have reached your upload limit' : 'This event has reached its upload limit';
    throw new QuotaExceededError(
      `${whose} for this hour; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      reservation.retryAfterSeconds,
    );
  }
  const expiresAt = signed.expiresAt.toISOString();
  return { status: 201, body: { photoId, s3PutObjectUrl: signed.url, method: 'PUT', headers: signed.headers, expiresAt } };
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/**
 * Totals are counted when processing accepts a photo (which refuses one over them); this only
 * spares an upload that could not be kept.
 */
function refuseOverTotal(held: StoredTotals, quotas: UploadQuotas, size: number): void {
  if (held.user.photos >= quotas.userPhotosTotal || held.user.bytes + size > quotas.userBytesTotal) {
    throw new QuotaExceededError(
      `You already have ${held.user.photos} photos (${gib(held.user.bytes)}) in this event, its limit per attendee; delete some to upload more`,
    );
  }
  if (held.event.photos >= quotas.eventPhotosTotal || held.event.bytes + size > quotas.eventBytesTotal) {
    throw new QuotaExceededError(
      `This event already holds ${held.event.photos} photos (${gib(held.event.bytes)}), its limit; the organizer can raise it`,
    );
  }
}
