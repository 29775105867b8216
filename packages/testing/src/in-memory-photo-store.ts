import {
  ValidationError,
  foldForSearch,
  quotaWindow,
  type QuotaReservation,
  type StoredPhotoCount,
  type StoredTotals,
  type UploadQuotas,
  type ContentClaimStore,
  type EditPhotoRequest,
  type HashClaim,
  type Page,
  type PageRequest,
  type PendingUpload,
  type Photo,
  type PhotoEvent,
  type PhotoList,
  type PhotoListRequest,
  type PhotoLister,
  type PhotoStore,
  type UpdateEventRequest,
} from '@event-photos/core';

/**
 * PhotoStore and ContentClaimStore in memory, for handler tests: one object, as the adapters
 * share one table. It keeps the promises of photo-store.ts (the contract suite in
 * photo-store-contract.ts runs against it and against the DynamoDB adapters). Each method
 * decides without awaiting in between, so it is atomic as a conditional write is.
 *
 * Records go in and come out as copies without undefined fields, as DynamoDB stores them: a
 * test cannot change what is stored through a reference it kept.
 */
export class InMemoryPhotoStore implements PhotoStore, ContentClaimStore, PhotoLister {
  readonly #events = new Map<string, PhotoEvent>();
  /** By `eventId/photoId`. A delete marker of a gone upload is a partial record, as in the table. */
  readonly #uploads = new Map<string, Partial<PendingUpload>>();
  readonly #photos = new Map<string, Photo>();
  /** By `eventId/sha256`. */
  readonly #claims = new Map<string, HashClaim>();
  /** By `eventId/scope/window start`. */
  readonly #quotaCounters = new Map<string, { uploads: number; bytes: number }>();

  // ------------------------------------------------------------------ events

  async getEvent(eventId: string): Promise<PhotoEvent | null> {
    return copyOrNull(this.#events.get(eventId));
  }

  async createEvent(event: PhotoEvent): Promise<boolean> {
    if (this.#events.has(event.eventId)) return false;
    this.#events.set(event.eventId, copy(event));
    return true;
  }

  async listEvents(page: PageRequest): Promise<Page<PhotoEvent>> {
    // The adapter's index order: `{createdAt}#{eventId}`, descending.
    return pageOf('events', [...this.#events.values()], (event) => `${event.createdAt}#${event.eventId}`, page);
  }

  async countPhotos(eventId: string): Promise<number> {
    return [...this.#photos.values()].filter((photo) => photo.eventId === eventId).length;
  }

  async updateEvent(eventId: string, organizerId: string, changes: UpdateEventRequest): Promise<PhotoEvent | null> {
    const event = this.#events.get(eventId);
    if (!event || event.organizerId !== organizerId) return null;
    const updated = { ...event, ...definedFields(changes) };
    this.#events.set(eventId, copy(updated));
    return copy(updated);
  }

  // ------------------------------------------------------------------ uploads

  async savePendingUpload(upload: PendingUpload): Promise<void> {
    const id = idOf(upload.eventId, upload.photoId);
    if (this.#uploads.has(id)) throw new Error(`Upload ${upload.photoId} already exists`);
    this.#uploads.set(id, copy(upload));
  }

  async getPendingUpload(eventId: string, photoId: string): Promise<PendingUpload | null> {
    // A bare delete marker is typed as an upload, as the adapter returns it.
    return copyOrNull(this.#uploads.get(idOf(eventId, photoId)) as PendingUpload | undefined);
  }

  async rejectUpload(eventId: string, photoId: string, reason: string, now = new Date()): Promise<void> {
    this.#changeUnlessDeleted(eventId, photoId, { status: 'rejected', rejectionReason: reason, rejectedAt: now.toISOString() });
  }

  async markUploadDeleted(eventId: string, photoId: string, uploaderId: string, now = new Date()): Promise<void> {
    const id = idOf(eventId, photoId);
    const upload = this.#uploads.get(id) ?? {};
    this.#uploads.set(id, {
      ...upload,
      status: 'deleted',
      deletedAt: upload.deletedAt ?? now.toISOString(),
      uploaderId: upload.uploaderId ?? uploaderId,
    });
  }

  async markUploadDuplicate(eventId: string, photoId: string, duplicateOf: string, now = new Date()): Promise<void> {
    this.#changeUnlessDeleted(eventId, photoId, { status: 'duplicate', duplicateOf, duplicateAt: now.toISOString() });
  }

  #changeUnlessDeleted(eventId: string, photoId: string, changes: Partial<PendingUpload>): void {
    const id = idOf(eventId, photoId);
    const upload = this.#uploads.get(id);
    if (upload && upload.status !== 'deleted') this.#uploads.set(id, { ...upload, ...changes });
  }

  // ------------------------------------------------------------------ photos

  async reserveUpload(
    eventId: string,
    uploaderId: string,
    bytes: number,
    quotas: UploadQuotas,
    now = new Date(),
  ): Promise<QuotaReservation> {
    const { start, secondsLeft } = quotaWindow(now);
    const full = this.#countInto(bytes, [
      { scope: 'user', id: `${eventId}/USER#${uploaderId}/${start}`, uploads: quotas.userUploadsPerHour, bytes: quotas.userBytesPerHour },
      { scope: 'event', id: `${eventId}/EVENT/${start}`, uploads: quotas.eventUploadsPerHour, bytes: quotas.eventBytesPerHour },
    ]);
    return full ? { reserved: false, scope: full, retryAfterSeconds: secondsLeft } : { reserved: true };
  }

  async countStoredPhoto(eventId: string, uploaderId: string, bytes: number, quotas: UploadQuotas): Promise<StoredPhotoCount> {
    const full = this.#countInto(bytes, [
      { scope: 'user', id: `${eventId}/USER#${uploaderId}/TOTAL`, uploads: quotas.userPhotosTotal, bytes: quotas.userBytesTotal },
      { scope: 'event', id: `${eventId}/EVENT/TOTAL`, uploads: quotas.eventPhotosTotal, bytes: quotas.eventBytesTotal },
    ]);
    return full ? { counted: false, scope: full } : { counted: true };
  }

  async uncountStoredPhoto(eventId: string, uploaderId: string, bytes: number): Promise<void> {
    for (const id of [`${eventId}/USER#${uploaderId}/TOTAL`, `${eventId}/EVENT/TOTAL`]) {
      const current = this.#quotaCounters.get(id) ?? { uploads: 0, bytes: 0 };
      this.#quotaCounters.set(id, { uploads: current.uploads - 1, bytes: current.bytes - bytes });
    }
  }

  async storedTotals(eventId: string, uploaderId: string): Promise<StoredTotals> {
    const of = (id: string) => {
      const { uploads, bytes } = this.#quotaCounters.get(id) ?? { uploads: 0, bytes: 0 };
      return { photos: uploads, bytes };
    };
    return { user: of(`${eventId}/USER#${uploaderId}/TOTAL`), event: of(`${eventId}/EVENT/TOTAL`) };
  }

  /** No await between the checks and the counts: atomic, as the adapter's conditional updates are. */
  #countInto(
    bytes: number,
    counters: Array<{ scope: 'user' | 'event'; id: string; uploads: number; bytes: number }>,
  ): 'user' | 'event' | null {
    for (const counter of counters) {
      const current = this.#quotaCounters.get(counter.id) ?? { uploads: 0, bytes: 0 };
      if (current.uploads >= counter.uploads || current.bytes + bytes > counter.bytes) return counter.scope;
    }
    for (const counter of counters) {
      const current = this.#quotaCounters.get(counter.id) ?? { uploads: 0, bytes: 0 };
      this.#quotaCounters.set(counter.id, { uploads: current.uploads + 1, bytes: current.bytes + bytes });
    }
    return null;
  }

  async savePhoto(photo: Photo): Promise<boolean> {
    const id = idOf(photo.eventId, photo.photoId);
    if (this.#photos.has(id)) return false;
    this.#photos.set(id, copy(photo));
    return true;
  }

  async restampPhoto(photo: Photo, createdAt: string): Promise<boolean> {
    const id = idOf(photo.eventId, photo.photoId);
    const stored = this.#photos.get(id);
    if (!stored) return false;
    this.#photos.set(id, { ...stored, createdAt });
    return true;
  }

  async getPhoto(eventId: string, photoId: string): Promise<Photo | null> {
    return copyOrNull(this.#photos.get(idOf(eventId, photoId)));
  }

  async listPhotos(eventId: string, { limit, cursor, since, q, uploaderId }: PhotoListRequest): Promise<PhotoList> {
    const ofEvent = [...this.#photos.values()].filter((photo) => photo.eventId === eventId);
    const matching = ofEvent.filter(
      (photo) =>
        (uploaderId === undefined || photo.uploaderId === uploaderId) &&
        (q === undefined || foldForSearch(photo.title).includes(q) || foldForSearch(photo.description).includes(q)),
    );
    if (since !== undefined) {
      // Nothing lands late here: the feed is simply what the cursor has not seen, oldest first.
      const seen = decodeFeedCursor(since);
      const fresh = matching
        .filter((photo) => !seen.has(readyKey(photo)))
        .sort((a, b) => compare(readyKey(a), readyKey(b)))
        .slice(0, limit);
      return { items: fresh.map(copy), nextCursor: null, feedCursor: encodeFeedCursor([...seen, ...fresh.map(readyKey)]) };
    }
    const page = pageOf('photos', matching, readyKey, { limit, cursor });
    // What the event holds now is the first page's and its later pages': the feed brings the rest.
    return { ...page, feedCursor: cursor === undefined ? encodeFeedCursor(ofEvent.map(readyKey)) : null };
  }

  async updatePhotoText(eventId: string, photoId: string, changes: EditPhotoRequest): Promise<Photo | null> {
    const id = idOf(eventId, photoId);
    const photo = this.#photos.get(id);
    if (!photo) return null;
    const updated = { ...photo, ...definedFields(changes) };
    this.#photos.set(id, copy(updated));
    return copy(updated);
  }

  async deletePhotoRecord(eventId: string, photoId: string): Promise<Photo | null> {
    const id = idOf(eventId, photoId);
    const photo = this.#photos.get(id);
    this.#photos.delete(id);
    return copyOrNull(photo);
  }

  // ------------------------------------------------------------------ hash claims

  async getHashClaim(eventId: string, sha256: string): Promise<HashClaim | null> {
    return copyOrNull(this.#claims.get(idOf(eventId, sha256)));
  }

  async claimHash(eventId: string, sha256: string, photoId: string, now = new Date()): Promise<boolean> {
    const id = idOf(eventId, sha256);
    const claim = this.#claims.get(id);
    if (claim && claim.photoId !== photoId) return false;
    this.#claims.set(id, { sha256, photoId, claimedAt: now.toISOString() });
    return true;
  }

  async takeOverHashClaim(eventId: string, sha256: string, fromPhotoId: string, photoId: string, now = new Date()): Promise<boolean> {
    const id = idOf(eventId, sha256);
    const claim = this.#claims.get(id);
    if (claim?.photoId !== fromPhotoId) return false;
    this.#claims.set(id, { ...claim, photoId, claimedAt: now.toISOString() });
    return true;
  }

  async releaseHash(eventId: string, sha256: string, photoId: string): Promise<void> {
    const id = idOf(eventId, sha256);
    if (this.#claims.get(id)?.photoId === photoId) this.#claims.delete(id);
  }
}

const idOf = (eventId: string, id: string) => `${eventId}/${id}`;

/** A stored copy: JSON drops undefined fields as the DynamoDB adapter's marshalling does. */
function copy<T>(record: T): T {
  return JSON.parse(JSON.stringify(record)) as T;
}

function copyOrNull<T>(record: T | undefined): T | null {
  return record === undefined ? null : copy(record);
}

/** The fields a change sets: as the adapter's update expressions, an undefined field is left as it is. */
function definedFields<T extends object>(changes: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/**
 * A page of `records` in descending `sortKey` order, after the cursor's key. Like a DynamoDB
 * Query with Limit, a full page carries a cursor even when nothing follows it.
 */
/** The adapter's order of the photo list: ready time, then id. */
const readyKey = (photo: Photo) => `${photo.createdAt}#${photo.photoId}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function encodeFeedCursor(seen: Iterable<string>): string {
  return Buffer.from(JSON.stringify({ fake: 'feed', seen: [...seen] })).toString('base64url');
}

function decodeFeedCursor(cursor: string): Set<string> {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { fake?: unknown; seen?: unknown };
    if (parsed.fake === 'feed' && Array.isArray(parsed.seen) && parsed.seen.every((key) => typeof key === 'string'))
      return new Set(parsed.seen);
  } catch {
    // fall through
  }
  throw new ValidationError('since', 'since is not a valid feed cursor');
}

function pageOf<T>(list: 'events' | 'photos', records: T[], sortKey: (record: T) => string, { limit, cursor }: PageRequest): Page<T> {
  const after = cursor === undefined ? undefined : decodeCursor(list, cursor);
  const sorted = records.map((record) => ({ key: sortKey(record), record })).sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  const page = sorted.filter(({ key }) => after === undefined || key < after).slice(0, limit);
  const last = page.length === limit ? page.at(-1) : undefined;
  return { items: page.map(({ record }) => copy(record)), nextCursor: last ? encodeCursor(list, last.key) : null };
}

// Opaque to callers as the adapter's cursors are; only what encodeCursor made for the same list decodes.
function encodeCursor(list: 'events' | 'photos', after: string): string {
  return Buffer.from(JSON.stringify({ fake: list, after })).toString('base64url');
}

function decodeCursor(list: 'events' | 'photos', cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { fake?: unknown; after?: unknown };
    if (parsed.fake === list && typeof parsed.after === 'string' && parsed.after.length > 0) return parsed.after;
  } catch {
    // fall through: as the adapter, any cursor it did not make is the client's error
  }
  throw new ValidationError('cursor', 'cursor is not a valid page cursor');
}
