// zod/mini: the same validation as classic zod, tree-shakable (~440 KiB less in every bundle).
import * as z from 'zod/mini';
import type { PhotoView } from '#lib/photo-changes';
import type { Rendition } from '#lib/renditions';
import { SEARCH_MAX_CHARS, foldForSearch } from '#lib/search-text';
import { uploadQuotasSchema, type UploadQuotas } from '#lib/upload-quotas';

/** Image types we accept, with the file extension used in the object key. */
export const IMAGE_CONTENT_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'image/heic': 'heic',
} as const;
export type ImageContentType = keyof typeof IMAGE_CONTENT_TYPES;
const contentTypes = Object.keys(IMAGE_CONTENT_TYPES) as [ImageContentType, ...ImageContentType[]];

export const DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
export const TITLE_MAX_CHARS = 200;
export const DESCRIPTION_MAX_CHARS = 2000;

// Safe ids: no '/', no '..', no control characters, nothing that needs escaping in a key or URL.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Control characters (C0, DEL, C1) and lone surrogates never belong in a title.
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// Bidi embeddings, overrides and isolates reorder what a reader sees (Trojan Source); refused in titles.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;
// Invisible characters that hide text or split look-alike words; refused in titles.
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/;
// ZWNJ/ZWJ are zero-width too, but some scripts need them inside words (Persian, Devanagari) and
// emoji sequences use ZWJ (👨‍👩‍👧). Those uses are allowed; Latin, Greek and Cyrillic never need them.
const NEEDED_JOINERS =
  /(?<=[\p{L}\p{M}])(?<![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])[\u200c\u200d](?=\p{L})|(?<=\p{Extended_Pictographic}[\u{fe0f}\u{1f3fb}-\u{1f3ff}]?)\u200d(?=\p{Extended_Pictographic})/gu;

/** Length in Unicode code points, so an emoji counts as one character. */
const codePoints = (value: string) => [...value].length;

export const text = (max: number, { multiline }: { multiline: boolean }) =>
  z.string().check(
    // JSON Schema's maxLength counts code points too: the same rule, for the OpenAPI document.
    z.meta({ maxLength: max }),
    z.refine((value) => codePoints(value) <= max, `must be at most ${max} characters`),
    z.refine((value) => !LONE_SURROGATE.test(value), 'must be valid Unicode text'),
    z.refine((value) => !CONTROL_CHARS.test(value) && (multiline || !/[\r\n\t]/.test(value)), 'must not contain control characters'),
  );

/** A one-line text, trimmed, that must not be empty after trimming. */
export const title = (max: number) =>
  z.pipe(
    text(max, { multiline: false }).check(
      z.meta({ pattern: '\\S' }), // not blank: what the trim-then-non-empty step below checks
      z.refine((value) => !BIDI_CONTROLS.test(value), 'must not contain bidirectional control characters'),
      z.refine((value) => !ZERO_WIDTH.test(value.replace(NEEDED_JOINERS, '')), 'must not contain zero-width characters'),
    ),
    z.pipe(
      z.transform((value: string) => value.trim()),
      z.string().check(z.refine((value) => value.length > 0, 'must not be empty')),
    ),
  );

export const eventIdSchema = z
  .string()
  .check(z.regex(SAFE_ID, 'must be 1-64 letters, digits, "-" or "_", starting with a letter or digit'));

export const photoIdSchema = z.string().check(z.regex(UUID, 'must be a lowercase UUID'));

export function initiateUploadSchema(maxUploadBytes: number) {
  return z.strictObject({
    title: title(TITLE_MAX_CHARS),
    description: z._default(text(DESCRIPTION_MAX_CHARS, { multiline: true }), ''),
    contentType: z.enum(contentTypes, { error: `must be one of ${contentTypes.join(', ')}` }),
    size: z.number({ error: 'must be a number of bytes' }).check(
      z.meta({ type: 'integer' }), // what the refinement below checks, for the OpenAPI document
      z.refine((value) => Number.isInteger(value), 'must be a whole number of bytes'),
      z.minimum(1, 'must be at least 1 byte'),
      z.maximum(maxUploadBytes, `must be at most ${maxUploadBytes} bytes`),
    ),
    sha256: z.optional(
      z.pipe(
        z.string().check(z.regex(/^[0-9a-fA-F]{64}$/, 'must be the 64-character hex SHA-256 of the file')),
        z.transform((value: string) => value.toLowerCase()),
      ),
    ),
  });
}
export type InitiateUploadRequest = z.infer<ReturnType<typeof initiateUploadSchema>>;

export interface InitiateUploadResponse {
  photoId: string;
  s3PutObjectUrl: string;
  method: 'PUT';
  /** Exactly the headers the client must send with the PUT. */
  headers: Record<string, string>;
  expiresAt: string;
}

/** initiate-upload's 200 answer when the event already holds a photo with the declared sha256: nothing to upload. */
export interface DuplicateUploadResponse {
  duplicate: true;
  photo: PhotoView;
}

/** What the uploader declared and who they are: shared by an upload and its photo. */
interface UploadDetails {
  photoId: string;
  eventId: string;
  title: string;
  description: string;
  contentType: ImageContentType;
  size: number;
  /** The uploader's Cognito `sub`: kept for permissions, never shown to other users. */
  uploaderId: string;
  /** What other users see of the uploader (from the token's claims at upload time). */
  uploaderName: string;
}

/** A photo as stored (see PhotoView for what the API returns). */
export interface Photo extends UploadDetails {
  /** Hex SHA-256 of the stored bytes, computed by us or verified by S3, never taken from the client. */
  sha256: string;
  /** The original, as uploaded (bytes checked, headers ours): for download and full view. */
  url: string;
  /** Every published S3 object of the photo (the original and its renditions): a delete removes them all. */
  objectKeys: string[];
  /** As displayed (EXIF orientation applied). Absent when the file could not be decoded here (HEIC without dimensions). */
  width?: number;
  height?: number;
  /** Resized WebP copies for galleries, smallest first; empty when the format cannot be decoded here (see `previewUnavailable`). */
  renditions?: Rendition[];
  /** A tiny blurred WebP as a data: URI (at most PLACEHOLDER_MAX_CHARS), to show while a rendition loads. */
  placeholder?: string;
  /** Why the photo has no renditions (HEIC is kept as uploaded): galleries show a tile instead. */
  previewUnavailable?: string;
  /** When processing accepted it (it became ready): the order of the list and of the feed. */
  createdAt: string;
}

/** What initiate-upload records before the bytes arrive. */
export interface PendingUpload extends UploadDetails {
  objectKey: string;
  initiatedAt: string;
  expiresAt: string;
  /**
   * `rejected`: processing refused the object (it is deleted). `deleted`: a user deleted the photo.
   * `duplicate`: the event already held the same bytes as photo `duplicateOf` (the object is deleted).
   */
  status?: 'rejected' | 'deleted' | 'duplicate';
  rejectionReason?: string;
  rejectedAt?: string;
  duplicateOf?: string;
  duplicateAt?: string;
  deletedAt?: string;
}

export interface PhotoPage {
  items: PhotoView[];
  /** The next (older) page, or null at the end. Always null in a feed answer. */
  nextCursor: string | null;
  /**
   * In a first page and in every feed answer: pass it as `since` to get what became ready after
   * this answer, each photo exactly once. Null on later pages (the first page's one covers them).
   */
  feedCursor: string | null;
}

/**
 * How long a photo may take from being stamped ready to being readable. A feed answer only moves
 * its cursor past what is at least this old; processing re-stamps a photo whose write took longer
 * than half of it (see process-upload.ts), so a feed never misses one.
 */
export const FEED_SETTLE_MS = 2000;

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

const pageQuery = {
  limit: z._default(
    z.coerce.number({ error: 'must be a number' }).check(
      z.meta({ type: 'integer' }),
      z.refine((value) => Number.isInteger(value), 'must be a whole number'),
      z.minimum(1, 'must be at least 1'),
      z.maximum(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`),
    ),
    DEFAULT_PAGE_SIZE,
  ),
  cursor: z.optional(z.string().check(z.maxLength(2048, 'is not a valid cursor'))),
};

/**
 * GET /events/{eventId}/photos. Newest ready first, paged by `cursor`; or, with `since` (a
 * `feedCursor` of an earlier answer), what became ready after that answer, oldest first.
 */
export const listPhotosQuerySchema = z
  .strictObject({
    ...pageQuery,
    q: z.optional(
      z.pipe(
        text(SEARCH_MAX_CHARS, { multiline: false }),
        z.pipe(
          z.transform((value: string) => foldForSearch(value.trim())),
          z.string().check(z.refine((value) => value.length > 0, 'must not be empty')),
        ),
      ),
    ),
    uploader: z.optional(z.literal('me', { error: 'must be "me" (only your own photos)' })),
    // Feed cursors carry the ids the caller already has from the last moments, so they are longer.
    since: z.optional(z.string().check(z.maxLength(8192, 'is not a valid feed cursor'))),
  })
  .check(
    z.refine((query) => query.cursor === undefined || query.since === undefined, {
      message: 'cannot be combined with since',
      path: ['cursor'],
    }),
  );

/** GET /events: newest first, paged by `cursor`. */
export const listEventsQuerySchema = z.strictObject(pageQuery);

/** `uploads/event_{eventId}/{photoId}.{ext}`: the only keys our URLs ever sign. */
export function uploadObjectKey(eventId: string, photoId: string, contentType: ImageContentType): string {
  return `uploads/event_${eventId}/${photoId}.${IMAGE_CONTENT_TYPES[contentType]}`;
}

/**
 * `photos/event_{eventId}/{photoId}.{ext}`: where processing publishes a photo it accepted. Only
 * this prefix is readable through the CDN; `uploads/` is the quarantine browsers write to.
 */
export function publishedObjectKey(eventId: string, photoId: string, contentType: ImageContentType): string {
  return `photos/event_${eventId}/${photoId}.${IMAGE_CONTENT_TYPES[contentType]}`;
}

/** Published photos never change (a new upload is a new photo id): a year, immutable. */
export const PUBLISHED_CACHE_CONTROL = 'public, max-age=31536000, immutable';

const UPLOAD_KEY = /^uploads\/event_([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/([0-9a-f-]{36})\.([a-z]+)$/;

export function parseUploadObjectKey(key: string): { eventId: string; photoId: string; extension: string } | null {
  const match = UPLOAD_KEY.exec(key);
  if (!match || !photoIdSchema.safeParse(match[2]).success) return null;
  return { eventId: match[1]!, photoId: match[2]!, extension: match[3]! };
}

export interface PhotoEvent {
  eventId: string;
  name: string;
  /** The Cognito `sub` of the organizer who created the event (it may edit and delete its photos). */
  organizerId?: string;
  description?: string;
  /** Whether uploads are accepted; events stored before this field existed are open. */
  open?: boolean;
  /** What the organizer set of DEFAULT_UPLOAD_QUOTAS (a PATCH replaces it as a whole). */
  quotas?: z.output<typeof uploadQuotasSchema>;
  createdAt: string;
}

export const createEventSchema = z.strictObject({
  eventId: eventIdSchema,
  name: title(TITLE_MAX_CHARS),
  description: z._default(text(DESCRIPTION_MAX_CHARS, { multiline: true }), ''),
});

/** PATCH /events/{eventId}: any of the fields, at least one. */
export const updateEventSchema = z
  .strictObject({
    name: z.optional(title(TITLE_MAX_CHARS)),
    description: z.optional(text(DESCRIPTION_MAX_CHARS, { multiline: true })),
    open: z.optional(z.boolean({ error: 'must be true or false' })),
    quotas: z.optional(uploadQuotasSchema),
  })
  .check(
    z.meta({ minProperties: 1 }),
    z.refine((fields) => Object.keys(fields).length > 0, 'must set at least one of name, description, open, quotas'),
  );
export type UpdateEventRequest = z.infer<typeof updateEventSchema>;

/**
 * An event as the API shows it. `mine` says whether the caller organizes it: clients need only
 * that (to offer editing), not the organizer's user id.
 */
export interface EventView {
  eventId: string;
  name: string;
  description: string;
  open: boolean;
  createdAt: string;
  mine: boolean;
  /** The upload quotas in force: the defaults, with what the organizer set. */
  quotas: UploadQuotas;
}

export interface EventDetails extends EventView {
  /** Processed photos only (not pending or rejected uploads). */
  photoCount: number;
}

export interface EventPage {
  items: EventView[];
  nextCursor: string | null;
}
