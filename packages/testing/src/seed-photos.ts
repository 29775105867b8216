import type { Photo, PhotoStore, UploadQuotas } from '@event-photos/core';
import { uploadRecordOf } from '#lib/store-records';

/** Quotas that no test's seeding reaches. */
export const UNLIMITED_QUOTAS: UploadQuotas = {
  userUploadsPerHour: Number.MAX_SAFE_INTEGER,
  userBytesPerHour: Number.MAX_SAFE_INTEGER,
  eventUploadsPerHour: Number.MAX_SAFE_INTEGER,
  eventBytesPerHour: Number.MAX_SAFE_INTEGER,
  userPhotosTotal: Number.MAX_SAFE_INTEGER,
  userBytesTotal: Number.MAX_SAFE_INTEGER,
  eventPhotosTotal: Number.MAX_SAFE_INTEGER,
  eventBytesTotal: Number.MAX_SAFE_INTEGER,
};

/**
 * Puts a photo into a store (the in-memory fake or an adapter) the way uploads get there: its
 * upload reserved (uploadRecordOf), the photo accepted, then made ready at its `createdAt`
 * (`ready: false` leaves it only accepted: in no list, and getPhoto answers null). Throws when the
 * store refuses: photos of one event need distinct `sha256` (the second would be a duplicate).
 */
export async function seedPhoto(store: PhotoStore, photo: Photo, { ready = true }: { ready?: boolean } = {}): Promise<Photo> {
  const at = new Date(photo.createdAt);
  const reservation = await store.reserveUpload(uploadRecordOf(photo), UNLIMITED_QUOTAS, at);
  if (!reservation.reserved) throw new Error(`seedPhoto: the upload of ${photo.photoId} was refused: ${JSON.stringify(reservation)}`);
  const acceptance = await store.acceptPhoto(photo, UNLIMITED_QUOTAS, at);
  if (!acceptance.accepted) throw new Error(`seedPhoto: ${photo.photoId} was not accepted: ${JSON.stringify(acceptance)}`);
  if (ready && !(await store.markPhotoReady(photo.eventId, photo.photoId, photo.createdAt)))
    throw new Error(`seedPhoto: ${photo.photoId} is gone`);
  return photo;
}
