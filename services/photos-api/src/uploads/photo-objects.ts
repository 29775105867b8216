import {
  type ImageContentType,
  type ObjectStore,
  originalObjectKey,
  publishedObjectKey,
  renditionObjectKeys,
  uploadObjectKey,
} from '@event-photos/core';

/**
 * Every key an object of the photo can have: its upload in quarantine, its untouched original,
 * its published original and every rendition width (whichever a run wrote, or will write). Keys follow from the ids alone, so
 * whoever discards a photo removes all of them without knowing how far processing got.
 */
export function photoObjectKeys(eventId: string, photoId: string, contentType: ImageContentType | undefined, known: string[] = []) {
  const keys = new Set([...known, ...renditionObjectKeys(eventId, photoId)]);
  if (contentType) {
    keys.add(uploadObjectKey(eventId, photoId, contentType));
    keys.add(originalObjectKey(eventId, photoId, contentType));
    keys.add(publishedObjectKey(eventId, photoId, contentType));
  }
  return [...keys];
}

/** Deletes every object of the photo (deleting one that is gone is no error). */
export async function deletePhotoObjects(
  objects: ObjectStore,
  eventId: string,
  photoId: string,
  contentType: ImageContentType | undefined,
  known: string[] = [],
): Promise<number> {
  const keys = photoObjectKeys(eventId, photoId, contentType, known);
  await Promise.all(keys.map((key) => objects.delete(key)));
  return keys.length;
}
