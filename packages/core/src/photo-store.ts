import type { EditPhotoRequest } from '#lib/photo-changes';
import type { PhotoEvent, UpdateEventRequest } from '#lib/events';
import type { Photo, Upload } from '#lib/photos';
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
  /**
   * In a feed answer only: the photos edited since the cursor, as they are now (of `uploaderId`
   * when given; `q` does not apply). A photo may come again in a later answer: applying it twice
   * changes nothing.
   */
  changed?: Photo[];
  /** In a feed answer only: the ids of the photos deleted since the cursor (of `uploaderId` when given); may repeat too. */
  removed?: string[];
}

/** The photo list: apart from PhotoStore so that only the route that lists bundles its queries. */
export interface PhotoLister {
  /**
   * The event's photos, newest ready (`createdAt`, then photoId) first, page by page; or with
   * `since` (a `feedCursor` of an earlier answer) the photos that became ready after that answer,
   * oldest first, with the edits and deletes made since (`changed`, `removed`; kept
   * FEED_CHANGES_KEPT_SECONDS). A first page, its later pages and the feed from its `feedCursor`
   * give each photo once. `q` (folded by foldForSearch) keeps photos whose folded title or description contains
   * it; `uploaderId` keeps one uploader's. A filtered page may hold fewer than `limit` photos and
   * still have a `nextCursor` (a search reads a bounded number per request).
   */
  listPhotos(eventId: string, request: PhotoListRequest): Promise<PhotoList>;
}

/** `scope`: whose quota is full; `retryAfterSeconds`: until its window ends. */
export type QuotaReservation = { reserved: true } | { reserved: false; scope: 'user' | 'event'; retryAfterSeconds: number };

/**
 * How accepting a photo ended (PhotoStore.acceptPhoto). `acceptedBefore`: an earlier run accepted
 * this very photo (a redelivery, or a run that stopped before the photo was ready). `duplicate`:
 * the event holds these bytes as photo `duplicateOf`. `overTotal`: `scope`'s total is full.
 * `notPending`: the upload was deleted, rejected, found a duplicate, or is gone (`upload` null).
 */
export type Acceptance =
  | { accepted: true }
  | { accepted: false; because: 'acceptedBefore' }
  | { accepted: false; because: 'duplicate'; duplicateOf: string }
  | { accepted: false; because: 'overTotal'; scope: 'user' | 'event' }
  | { accepted: false; because: 'notPending'; upload: Upload | null };

/** What an uploader, and the whole event, hold now. */
export interface StoredTotals {
  user: { photos: number; bytes: number };
  event: { photos: number; bytes: number };
}

/** Which photo of the event holds these bytes (claimed in the transaction that accepts the photo). */
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
  /**
   * Creates the event, and records its organizer as one who may see it (MembershipStore.listEventsOf
   * lists it for them), in one transaction; false when it already exists (nothing is overwritten).
   */
  createEvent(event: PhotoEvent): Promise<boolean>;
  /**
   * The number of processed photos of the event (not pending, rejected or deleted uploads); with
   * `uploaderId`, of that uploader's only.
   */
  countPhotos(eventId: string, uploaderId?: string): Promise<number>;
  /**
   * Changes the given fields of the event, only while `organizerId` organizes it. The event as
   * written, or null when the event is gone or is someone else's (also when it has no organizer).
   */
  updateEvent(eventId: string, organizerId: string, changes: UpdateEventRequest): Promise<PhotoEvent | null>;

  /**
   * Counts the upload against the uploader's and the event's quotas of the current clock hour and
   * records it `pending`, in one transaction: refused (nothing counted, nothing recorded) when
   * either counter would go over its uploads or bytes. Throws if an upload with its photoId exists
   * (ids are random: a bug).
   */
  reserveUpload(upload: Upload & { status: 'pending' }, quotas: UploadQuotas, now?: Date): Promise<QuotaReservation>;
  /** The upload as recorded, in its current state. */
  getUpload(eventId: string, photoId: string): Promise<Upload | null>;
  /** Marks a pending upload rejected, with a reason for its uploader. No-op in any other state. */
  rejectUpload(eventId: string, photoId: string, reason: string, now?: Date): Promise<void>;
  /** Marks a pending upload a duplicate of photo `duplicateOf`. No-op in any other state. */
  markUploadDuplicate(eventId: string, photoId: string, duplicateOf: string, now?: Date): Promise<void>;
  /** What the uploader and the event hold now: initiate-upload refuses early when a total is full. */
  storedTotals(eventId: string, uploaderId: string): Promise<StoredTotals>;

  /**
   * Accepts the photo of a pending upload, in one transaction: the photo is recorded (not ready:
   * no list, feed or GET shows it until markPhotoReady), its hash claimed, the uploader's and the
   * event's totals counted within `quotas`, and the upload marked accepted. All of it or nothing:
   * see Acceptance for why not.
   */
  acceptPhoto(photo: Photo, quotas: UploadQuotas, now?: Date): Promise<Acceptance>;
  /**
   * Makes an accepted photo visible, ready at `readyAt` (its place in lists and the feed); again
   * to stamp it later. False when it is gone (deleted meanwhile): nothing is created.
   */
  markPhotoReady(eventId: string, photoId: string, readyAt: string): Promise<boolean>;
  /** A ready photo; null while it is only accepted (its objects are being published), or gone. */
  getPhoto(eventId: string, photoId: string): Promise<Photo | null>;
  /**
   * Changes the given text fields of a ready photo, and records the edit (at `now`) for the feed, in
   * one transaction. The photo as it is then; null when there is none (none is created).
   */
  updatePhotoText(eventId: string, photoId: string, changes: EditPhotoRequest, now?: Date): Promise<Photo | null>;
  /**
   * Deletes the photo in one transaction: its record (ready or only accepted), its hash claim, its
   * place in the totals, with a record of the delete for the feed; and marks its upload deleted (a
   * marker naming `uploaderId` when the upload record is gone), so processing that runs later
   * discards it. The record removed, or null when there was none. Idempotent: a repeat removes
   * nothing and returns null.
   */
  deletePhoto(eventId: string, photoId: string, uploaderId: string, now?: Date): Promise<Photo | null>;

  /** Which photo of the event holds these bytes, if any. */
  getHashClaim(eventId: string, sha256: string): Promise<HashClaim | null>;
}
