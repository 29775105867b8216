import type { Photo, PhotoStore } from '@event-photos/core';

/**
 * The ready photo of the event that holds these bytes, if any. A claim and its photo are written
 * and removed together (PhotoStore.acceptPhoto, deletePhoto), so a claim always names a photo;
 * while that photo is only accepted (publishing), there is nothing to show yet: null.
 */
export async function findDuplicatePhoto(
  photos: Pick<PhotoStore, 'getHashClaim' | 'getPhoto'>,
  eventId: string,
  sha256: string,
): Promise<Photo | null> {
  const claim = await photos.getHashClaim(eventId, sha256);
  return claim ? photos.getPhoto(eventId, claim.photoId) : null;
}
