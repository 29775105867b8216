import * as z from 'zod/mini';
import type { EventView } from '#lib/events';
import type { Rendition } from '#lib/renditions';
import { type EventAccess, mayDownloadPublished } from '#lib/members';
import { foldForSearch } from '#lib/search-text';
import {
  DESCRIPTION_MAX_CHARS,
  FEED_CURSOR_MAX_CHARS,
  IMAGE_CONTENT_TYPES,
  SEARCH_MAX_CHARS,
  TITLE_MAX_CHARS,
  type ImageContentType,
} from '#lib/limits';
import { pageQueryFields, text, title } from '#lib/schemas';

// Photos: their upload (initiate-upload), the records kept of them, what the API shows of them, and their list.

const contentTypes = Object.keys(IMAGE_CONTENT_TYPES) as [ImageContentType, ...ImageContentType[]];

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
  /**
   * The published original: the upload with its location and device identity removed, losslessly
   * (@event-photos/images' stripIdentifyingMetadata). Absent when none is published (`originalWithheld`
   * says why); the untouched upload is never on the CDN (GET .../original, uploader and organizer).
   */
  url?: string;
  /** Size and hex SHA-256 of the bytes at `url` (`sha256` is the upload's, for duplicates). */
  publishedSize?: number;
  publishedSha256?: string;
  /** Why no original is published (a format whose metadata is not removed here): renditions only. */
  originalWithheld?: string;
  /** Every S3 object of the photo (the untouched original, the published one, the renditions): a delete removes them all. */
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

/** What initiate-upload records before the bytes arrive, whatever becomes of it. */
interface UploadRecord extends UploadDetails {
  objectKey: string;
  initiatedAt: string;
  expiresAt: string;
}

/**
 * An upload and where it is in its lifecycle. It starts `pending`; processing either accepts it
 * (`accepted`: its photo is recorded, in the same transaction as its hash claim and the totals),
 * rejects it (`rejected`, with a reason for its uploader; the object is deleted) or finds its bytes
 * already in the event (`duplicate` of photo `duplicateOf`; the object is deleted). A delete makes
 * it `deleted` from any state; when the upload record was already gone (past its TTL) the marker
 * holds only the status, deletedAt and the uploader. Only `pending` moves on, except to `deleted`.
 */
export type Upload =
  | (UploadRecord & { status: 'pending' })
  | (UploadRecord & { status: 'accepted'; acceptedAt: string })
  | (UploadRecord & { status: 'rejected'; rejectionReason: string; rejectedAt: string })
  | (UploadRecord & { status: 'duplicate'; duplicateOf: string; duplicateAt: string })
  | DeletedUpload;

export type DeletedUpload = Partial<UploadRecord> & { status: 'deleted'; deletedAt: string; uploaderId: string };

/**
 * A photo as the API returns it: the uploader by name only, and whether the caller uploaded it;
 * `url` (and its size and hash) only for callers who may download the published original.
 */
export type PhotoView = Omit<Photo, 'uploaderId' | 'objectKeys'> & { mine: boolean };

/** Shown for records written before uploads recorded a name. */
export const UNKNOWN_UPLOADER_NAME = 'Unknown';

/**
 * Hides the uploader's `sub` and the internal object keys from what a caller sees, and the
 * published original from a caller who may not download it (they get renditions only).
 */
export function photoView<T extends { uploaderId: string; uploaderName?: string; objectKeys?: string[]; url?: string }>(
  { uploaderId, objectKeys: _keys, ...photo }: T,
  callerId: string,
  access: EventAccess,
): Omit<T, 'uploaderId' | 'objectKeys'> & { uploaderName: string; mine: boolean } {
  const view = { ...photo, uploaderName: photo.uploaderName ?? UNKNOWN_UPLOADER_NAME, mine: uploaderId === callerId };
  if (mayDownloadPublished(access, callerId, uploaderId)) return view;
  const { url: _url, publishedSize: _size, publishedSha256: _sha256, ...withoutOriginal } = view as typeof view & Partial<Photo>;
  return withoutOriginal as typeof view;
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
  /** In a feed answer: the photos edited since, as they are now (a photo may come again: apply it as given). */
  changed?: PhotoView[];
  /** In a feed answer: the ids of the photos deleted since (an id may come again). */
  removed?: string[];
  /** In a feed answer: the event as it is now, so an open gallery learns of a rename or a close with the same request. */
  event?: EventView;
}

/** GET .../photos/{photoId}/original: a presigned GET of the untouched upload (its uploader and the organizer only). */
export interface OriginalDownload {
  url: string;
  /** When the URL stops working (minutes: start the download at once). */
  expiresAt: string;
}

/**
 * GET /events/{eventId}/photos. Newest ready first, paged by `cursor`; or, with `since` (a
 * `feedCursor` of an earlier answer), what became ready after that answer, oldest first.
 */
export const listPhotosQuerySchema = z
  .strictObject({
    ...pageQueryFields,
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
    since: z.optional(z.string().check(z.maxLength(FEED_CURSOR_MAX_CHARS, 'is not a valid feed cursor'))),
  })
  .check(
    z.refine((query) => query.cursor === undefined || query.since === undefined, {
      message: 'cannot be combined with since',
      path: ['cursor'],
    }),
  );
