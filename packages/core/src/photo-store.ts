import type { EditPhotoRequest } from '#lib/photo-changes';
import type { PhotoEvent, UpdateEventRequest } from '#lib/events';
import type { PendingUpload, Photo } from '#lib/photos';
import type { UploadQuotas } from '#lib/upload-quotas';

// The records the handlers keep, as interfaces: the DynamoDB adapters in @event-photos/aws
// implement them, the in-memory fakes of @event-photos/testing/fakes too, and one contract suite
// (@event-photos/testing/contracts) runs against both. What a method promises is written here,
// so a handler (or its test) never needs to know how a table lays the records out.

/** One page of a list, newest first. `nextCursor` is opaque: pass it back as it is for the next page. */
export interface Page<T> {
  items: T[];
  /**
   * null when this page is the last one. A page shorter than the limit is always the last; a full
   * page may still carry a cursor whose next page is empty.
   */
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  /** A `nextCursor` of the same list; anything else fails with a ValidationError on field `cursor`. */
  cursor?: string | undefined;
}

export interface PhotoListRequest extends PageRequest {
  /** A `feedCursor`; anything else fails with a ValidationError on field `since`. Not with `cursor`. */
  since?: string | undefined;
  q?: string | undefined;
  uploaderId?: string | undefined;
}

export interface PhotoList extends Page<Photo> {
  /** Set on a first page and on every feed answer; null on later pages. Always with `nextCursor` null in a feed answer. */
  feedCursor: string | null;
}

/** The photo list: apart from PhotoStore so that only the route that lists bundles its queries. */
export interface PhotoLister {
  /**
   * The event's photos, newest ready (`createdAt`, then photoId) first, page by page; or with
   * `since` (a `feedCursor` of an earlier answer) the photos that became ready after that answer,
   * oldest first. A first page, its later pages and the feed from its `feedCursor` give each photo
   * once. `q` (folded by foldForSearch) keeps photos whose folded title or description contains
   * it; `uploaderId` keeps one uploader's. A filtered page may hold fewer than `limit` photos and
   * still have a `nextCursor` (a search reads a bounded number per request).
   */
  listPhotos(eventId: string, request: PhotoListRequest): Promise<PhotoList>;
}

/** `scope`: whose quota is full; `retryAfterSeconds`: until its window ends. */
export type QuotaReservation = { reserved: true } | { reserved: false; scope: 'user' | 'event'; retryAfterSeconds: number };

/** `scope`: whose total is full. */
export type StoredPhotoCount = { counted: true } | { counted: false; scope: 'user' | 'event' };

/** What an uploader, and the whole event, hold now. */
export interface StoredTotals {
  user: { photos: number; bytes: number };
  event: { photos: number; bytes: number };
}

/** Which photo of the event holds these bytes (claimed before the photo is written, see ContentClaimStore). */
export interface HashClaim {
  sha256: string;
  photoId: string;
  claimedAt: string;
}

/**
 * Events, initiated uploads and processed photos, and reads of the hash claims. Every read is
 * strongly consistent; each conditional method decides atomically.
 */
export interface PhotoStore {
  getEvent(eventId: string): Promise<PhotoEvent | null>;
  /** Creates the event; false when it already exists (nothing is overwritten). */
  createEvent(event: PhotoEvent): Promise<boolean>;
  /** Every event, newest created first. */
  listEvents(page: PageRequest): Promise<Page<PhotoEvent>>;
  /** The number of processed photos of the event (not pending, rejected or deleted uploads). */
  countPhotos(eventId: string): Promise<number>;
  /**
   * Changes the given fields of the event, only while `organizerId` organizes it. The event as
   * written, or null when the event is gone or is someone else's (also when it has no organizer).
   */
  updateEvent(eventId: string, organizerId: string, changes: UpdateEventRequest): Promise<PhotoEvent | null>;

  /** Records an initiated upload; throws if one with its photoId exists (ids are random: a bug). */
  savePendingUpload(upload: PendingUpload): Promise<void>;
  /**
   * The upload as recorded, with its status once processing or a delete changed it. A delete
   * marker written for an upload that was already gone holds only status, deletedAt and uploaderId.
   */
  getPendingUpload(eventId: string, photoId: string): Promise<PendingUpload | null>;
  /** Marks the upload rejected with a reason for its uploader. No-op when there is no upload or it was deleted. */
  rejectUpload(eventId: string, photoId: string, reason: string, now?: Date): Promise<void>;
  /**
   * Marks the upload deleted (keeping the first deletedAt and the recorded uploader), creating the
   * marker when the upload is gone, so that processing that comes later discards the photo.
   */
  markUploadDeleted(eventId: string, photoId: string, uploaderId: string, now?: Date): Promise<void>;

  /**
   * Counts an upload of `bytes` against the uploader's and the event's quotas of the current
   * clock hour, atomically: either both counters take it or neither does (a refused second one
   * gives the first back). Refused when either would go over its uploads or bytes.
   */
  reserveUpload(eventId: string, uploaderId: string, bytes: number, quotas: UploadQuotas, now?: Date): Promise<QuotaReservation>;
  /**
   * Counts a photo of `bytes` the event now holds against the uploader's and the event's totals,
   * atomically as reserveUpload; refused when either would go over. Processing counts each photo
   * once, when its write created it; removing a photo gives it back (uncountStoredPhoto).
   */
  countStoredPhoto(eventId: string, uploaderId: string, bytes: number, quotas: UploadQuotas): Promise<StoredPhotoCount>;
  uncountStoredPhoto(eventId: string, uploaderId: string, bytes: number): Promise<void>;
  /** What the uploader and the event hold now: initiate-upload refuses early when a total is full. */
  storedTotals(eventId: string, uploaderId: string): Promise<StoredTotals>;

  /** Writes the photo once; false when it already exists (a redelivered S3 event changes nothing). */
  savePhoto(photo: Photo): Promise<boolean>;
  /** Stamps the photo ready again at `createdAt` (its place in the list and the feed follows); false when it is gone (none is created). */
  restampPhoto(photo: Photo, createdAt: string): Promise<boolean>;
  getPhoto(eventId: string, photoId: string): Promise<Photo | null>;
  /** Changes the given text fields of a processed photo; null when there is no such photo (none is created). */
  updatePhotoText(eventId: string, photoId: string, changes: EditPhotoRequest): Promise<Photo | null>;
  /** Removes the photo; what it held (its object keys), or null when there was none. */
  deletePhotoRecord(eventId: string, photoId: string): Promise<Photo | null>;

  /** Which photo of the event holds these bytes, if any. */
  getHashClaim(eventId: string, sha256: string): Promise<HashClaim | null>;
}

/**
 * The writes of deduplication: one claim per SHA-256 and event, and the `duplicate` mark of an
 * upload. Apart from PhotoStore because only processing and delete make them (and bundle them).
 */
export interface ContentClaimStore {
  /**
   * Claims the event's hash for photoId. True when the claim now names photoId (a new claim, or
   * the same photo again); false when another photo holds it.
   */
  claimHash(eventId: string, sha256: string, photoId: string, now?: Date): Promise<boolean>;
  /** Moves the claim from `fromPhotoId` to photoId; false when it names another photo (or is gone) by now. */
  takeOverHashClaim(eventId: string, sha256: string, fromPhotoId: string, photoId: string, now?: Date): Promise<boolean>;
  /** Frees the hash, only while the claim still names photoId; otherwise no-op. */
  releaseHash(eventId: string, sha256: string, photoId: string): Promise<void>;
  /** Marks the upload a duplicate of photo `duplicateOf`. No-op when there is no upload or it was deleted. */
  markUploadDuplicate(eventId: string, photoId: string, duplicateOf: string, now?: Date): Promise<void>;
}
