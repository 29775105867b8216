import type { Photo } from '@event-photos/core';
import type { Stores } from '#lib/stores';

/** The photo of the event that holds these bytes, if any (a photo being deleted does not count). */
export async function findDuplicatePhoto({ photos }: Pick<Stores, 'photos'>, eventId: string, sha256: string): Promise<Photo | null> {
  const claim = await photos.getHashClaim(eventId, sha256);
  if (!claim) return null;
  const [photo, upload] = await Promise.all([photos.getPhoto(eventId, claim.photoId), photos.getPendingUpload(eventId, claim.photoId)]);
  return upload?.status === 'deleted' ? null : photo;
}
