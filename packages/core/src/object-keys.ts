import { IMAGE_CONTENT_TYPES, PHOTO_ID_PATTERN, type ImageContentType } from '#lib/limits';
import { RENDITION_WIDTHS } from '#lib/renditions';

// Where a photo's objects live in the bucket. Browsers write only to `uploads/` (the quarantine);
// processing publishes what it accepted under `photos/`, the only prefix the CDN serves (the
// original there has its identifying metadata removed), and keeps the untouched file under
// `originals/`, which nothing but a short presigned GET reads.

/** Everything browsers upload, and nothing else, is under this prefix. */
export const UPLOADS_PREFIX = 'uploads/';

/** `uploads/event_{eventId}/{photoId}.{ext}`: the only keys our URLs ever sign. */
export function uploadObjectKey(eventId: string, photoId: string, contentType: ImageContentType): string {
  return `${UPLOADS_PREFIX}event_${eventId}/${photoId}.${IMAGE_CONTENT_TYPES[contentType]}`;
}

/**
 * `photos/event_{eventId}/{photoId}.{ext}`: where processing publishes a photo it accepted. Only
 * this prefix is readable through the CDN; `uploads/` is the quarantine browsers write to.
 */
export function publishedObjectKey(eventId: string, photoId: string, contentType: ImageContentType): string {
  return `photos/event_${eventId}/${photoId}.${IMAGE_CONTENT_TYPES[contentType]}`;
}

/** Untouched originals (location, device identity and all): never on the CDN, only a presigned GET for the uploader and the organizer. */
export const ORIGINALS_PREFIX = 'originals/';

/** `originals/event_{eventId}/{photoId}.{ext}`: the upload as it was checked, kept private. */
export function originalObjectKey(eventId: string, photoId: string, contentType: ImageContentType): string {
  return `${ORIGINALS_PREFIX}event_${eventId}/${photoId}.${IMAGE_CONTENT_TYPES[contentType]}`;
}

const UPLOAD_KEY = /^uploads\/event_([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/([0-9a-f-]{36})\.([a-z]+)$/;

export function parseUploadObjectKey(key: string): { eventId: string; photoId: string; extension: string } | null {
  const match = UPLOAD_KEY.exec(key);
  if (!match || !PHOTO_ID_PATTERN.test(match[2]!)) return null;
  return { eventId: match[1]!, photoId: match[2]!, extension: match[3]! };
}

/**
 * Where a rendition `width` pixels wide is published, beside the original (`publishedObjectKey`):
 * named by its target width, the smallest one it fits (a 1000-pixel-wide largest rendition is
 * `_w1920`), so every key a photo can have is known without its record, and a delete that finds
 * no record still removes them all (`renditionObjectKeys`).
 */
export function renditionObjectKey(eventId: string, photoId: string, width: number): string {
  const target = RENDITION_WIDTHS.find((candidate) => candidate >= width) ?? RENDITION_WIDTHS.at(-1)!;
  return `photos/event_${eventId}/${photoId}_w${target}.webp`;
}

/** Every key a rendition of the photo can have. */
export function renditionObjectKeys(eventId: string, photoId: string): string[] {
  return RENDITION_WIDTHS.map((width) => renditionObjectKey(eventId, photoId, width));
}
