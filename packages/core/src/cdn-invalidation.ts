import { IMAGE_CONTENT_TYPES, type ImageContentType } from '#lib/limits';
import { publishedObjectKey, renditionObjectKeys } from '#lib/object-keys';

// Deleting a photo removes its objects from the bucket, but CloudFront's edge keeps what it cached
// (the cache policy's MinTTL is a day): a delete asks the CDN to forget every key the photo can
// have. The CloudFront adapter in @event-photos/aws implements the port; handler tests use the
// recording fake of @event-photos/testing/fakes.

/** A photo just deleted: its id, and its content type when the delete knew it. */
export interface DeletedPhoto {
  photoId: string;
  contentType?: ImageContentType | undefined;
}

/** The CDN's caches, as a delete needs them. */
export interface CdnInvalidator {
  /**
   * Makes the edge forget every object of these photos of the event: one request for all of them.
   * Resolves once the CDN has accepted it (it finishes within minutes); throws when it refused.
   */
  invalidatePhotos(eventId: string, photos: DeletedPhoto[]): Promise<void>;
}

/**
 * CloudFront's limits on invalidations in progress per distribution ("Concurrent invalidation
 * request maximum" in its developer guide): 15 wildcard paths, and, counted apart, 3,000 paths
 * naming one file each. A path is at most 4,000 characters, and `*` may only end it.
 */
export const CDN_INVALIDATION_LIMITS = { wildcardPathsInProgress: 15, filePathsInProgress: 3000, pathChars: 4000 } as const;

/** `/photos/event_{eventId}/{photoId}*`: the published original and every rendition, one path. */
export function wildcardInvalidationPath(eventId: string, photoId: string): string {
  return `/${publishedObjectKey(eventId, photoId, 'image/jpeg').replace(/\.[a-z]+$/, '')}*`;
}

/**
 * Every path the CDN can have cached for the photo, each naming one file: its published original
 * (under every extension when the type is unknown) and every rendition width. Signed URLs differ
 * only in their query string, which the cache key leaves out, so the path alone names the copy.
 */
export function explicitInvalidationPaths(eventId: string, photo: DeletedPhoto): string[] {
  const types = photo.contentType ? [photo.contentType] : (Object.keys(IMAGE_CONTENT_TYPES) as ImageContentType[]);
  const originals = types.map((type) => publishedObjectKey(eventId, photo.photoId, type));
  return [...originals, ...renditionObjectKeys(eventId, photo.photoId)].map((key) => `/${key}`);
}

/**
 * The paths of one invalidation for the photos: one wildcard path each while they fit the 15
 * wildcard paths CloudFront allows in progress (`explicit: false`), every file's path otherwise,
 * and whenever `explicit` is asked for (CloudFront answered TooManyInvalidationsInProgress).
 * Duplicate photo ids count once.
 */
export function invalidationPaths(
  eventId: string,
  photos: DeletedPhoto[],
  { explicit = false }: { explicit?: boolean } = {},
): { paths: string[]; wildcard: boolean } {
  const distinct = [...new Map(photos.map((photo) => [photo.photoId, photo])).values()];
  if (!explicit && distinct.length <= CDN_INVALIDATION_LIMITS.wildcardPathsInProgress) {
    return { paths: distinct.map((photo) => wildcardInvalidationPath(eventId, photo.photoId)), wildcard: true };
  }
  return { paths: distinct.flatMap((photo) => explicitInvalidationPaths(eventId, photo)), wildcard: false };
}
