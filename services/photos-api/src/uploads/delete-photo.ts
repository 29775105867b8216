import {
  type CdnInvalidator,
  type DeletedPhoto,
  type DeleteStatus,
  type EventAccess,
  mayChangePhotoOf,
  maySeePhotoOf,
} from '@event-photos/core';
import pLimit from 'p-limit';
import type { Lifecycle } from '#uploads/lifecycle';
import { deletePhotoObjects } from '#uploads/photo-objects';

/** What deleting works with: the stores, and the CDN whose edge caches the published objects. */
export interface DeleteDeps extends Pick<Lifecycle, 'photos' | 'objects' | 'clock' | 'logger'> {
  cdn: CdnInvalidator;
}

/** Who deletes, in which event. */
export interface DeleteCaller {
  eventId: string;
  access: EventAccess;
  callerId: string;
}

/** Deletes run this many at a time: 100 in one go would burst the table and the bucket. */
const CONCURRENCY = 10;

/**
 * Deletes the photos (distinct ids), each as deletePhoto below does, then asks the CDN to forget
 * every one deleted, in one invalidation for the whole request. A failed delete fails the request
 * (none still waiting starts), but the photos deleted before it are invalidated all the same.
 * The CDN's answer never fails or undoes a delete: a refusal is logged, and the edge's TTL (a day,
 * the cache policy's MinTTL) bounds how long it keeps them. A repeat invalidates again, so that
 * repeating a delete finishes one that stopped half-way.
 */
export async function deletePhotos(deps: DeleteDeps, caller: DeleteCaller, photoIds: string[]): Promise<DeleteStatus[]> {
  const limit = pLimit(CONCURRENCY);
  let failure: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    photoIds.map((photoId) =>
      limit(async () => {
        if (failure) return undefined;
        try {
          return await deletePhoto(deps, caller, photoId);
        } catch (error) {
          failure ??= { error };
          throw error;
        }
      }),
    ),
  );
  const outcomes = settled.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
  const deleted = outcomes.flatMap((outcome, index) =>
    outcome?.status === 'deleted' ? [{ photoId: photoIds[index]!, contentType: outcome.contentType }] : [],
  );
  await invalidate(deps, caller.eventId, deleted);
  if (failure) throw failure.error;
  return outcomes.map((outcome) => outcome!.status);
}

/**
 * Deletes a photo, ready, being processed or still pending, if the caller may (`access`: who
 * they are to the event; a photo they may not see is, to them, not found): one transaction
 * removes its record, hash claim and place in the totals and marks its upload deleted (so
 * processing that runs later discards it, see process-steps.ts), then every object the photo has
 * or may get goes. Records go before objects: a crash in between leaves objects that the deleted
 * upload makes the next processing run or reconcile remove, never a record pointing at nothing.
 * Repeating it is safe (deleted again: the marker remembers it).
 */
async function deletePhoto(
  { photos, objects, clock, logger }: DeleteDeps,
  { eventId, access, callerId }: DeleteCaller,
  photoId: string,
): Promise<{ status: 'notFound' | 'forbidden' } | ({ status: 'deleted' } & Omit<DeletedPhoto, 'photoId'>)> {
  const [photo, upload] = await Promise.all([photos.getPhoto(eventId, photoId), photos.getUpload(eventId, photoId)]);
  const uploaderId = photo?.uploaderId ?? upload?.uploaderId;
  if (uploaderId === undefined || !maySeePhotoOf(access, callerId, uploaderId)) return { status: 'notFound' };
  if (!mayChangePhotoOf(access, callerId, uploaderId)) return { status: 'forbidden' };
  const removed = await photos.deletePhoto(eventId, photoId, uploaderId, clock());
  const contentType = removed?.contentType ?? photo?.contentType ?? upload?.contentType;
  const deleted = await deletePhotoObjects(objects, eventId, photoId, contentType, removed?.objectKeys);
  logger.info('Photo deleted', { photoId, objects: deleted });
  return { status: 'deleted', contentType };
}

/** One invalidation for every photo deleted; a refusal is logged, never thrown. */
async function invalidate({ cdn, logger }: DeleteDeps, eventId: string, deleted: DeletedPhoto[]): Promise<void> {
  if (deleted.length === 0) return;
  const photoIds = deleted.map((photo) => photo.photoId);
  try {
    await cdn.invalidatePhotos(eventId, deleted);
    logger.info('CDN invalidation created', { eventId, photoIds });
  } catch (error) {
    logger.error('CDN invalidation failed: the edge may serve these photos until its TTL (1 day) ends', { eventId, photoIds, error });
  }
}
