import {
  ValidationError,
  foldForSearch,
  quotaWindow,
  type Acceptance,
  type QuotaReservation,
  type StoredTotals,
  type UploadQuotas,
  type EditPhotoRequest,
  type HashClaim,
  type Page,
  type PageRequest,
  type Photo,
  type PhotoEvent,
  type PhotoList,
  type PhotoListRequest,
  type PhotoLister,
  type PhotoStore,
  type UpdateEventRequest,
  type Upload,
} from '@event-photos/core';

type Scope = 'user' | 'event';
/** A quota counter and its limits. */
interface Counter {
  scope: Scope;
  id: string;
  uploads: number;
  bytes: number;
}

/**
 * PhotoStore and PhotoLister in memory, for handler tests: one object, as the adapters share one
 * table. It keeps the promises of photo-store.ts (the contract suite in photo-store-contract.ts
 * runs against it and against the DynamoDB adapters). Each method checks everything, then applies
 * everything, with no await in between: atomic, as the adapter's transactions are.
 *
 * Records go in and come out as copies without undefined fields, as DynamoDB stores them: a
 * test cannot change what is stored through a reference it kept.
 */
export class InMemoryPhotoStore implements PhotoStore, PhotoLister {
  readonly #events = new Map<string, PhotoEvent>();
  /** By `eventId/photoId`. A delete marker of a gone upload is a partial record, as in the table. */
  readonly #uploads = new Map<string, Upload>();
  /** By `eventId/photoId`: accepted photos, `ready` once markPhotoReady made them visible. */
  readonly #photos = new Map<string, { photo: Photo; ready: boolean }>();
  /** By `eventId/sha256`. */
  readonly #claims = new Map<string, HashClaim>();
  /** By `eventId/scope/window start`, or `eventId/scope/TOTAL`. */
  readonly #quotaCounters = new Map<string, { uploads: number; bytes: number }>();
  /** Every edit and delete, in the order made: the feed tells of those after its cursor's count. */
  readonly #changes: Array<{ eventId: string; photoId: string; change: 'edited' | 'removed'; uploaderId: string }> = [];

  // ------------------------------------------------------------------ events

  async getEvent(eventId: string): Promise<PhotoEvent | null> {
    return copyOrNull(this.#events.get(eventId));
  }

  async createEvent(event: PhotoEvent): Promise<boolean> {
    if (this.#events.has(event.eventId)) return false;
    this.#events.set(event.eventId, copy(event));
    return true;
  }

  async countPhotos(eventId: string, uploaderId?: string): Promise<number> {
    return this.#readyPhotos(eventId).filter((photo) => uploaderId === undefined || photo.uploaderId === uploaderId).length;
  }

  /** For the membership fake, as the adapters share one table: the event as stored (a copy), read at once. */
  storedEvent(eventId: string): PhotoEvent | undefined {
    const event = this.#events.get(eventId);
    return event && copy(event);
  }

  /** For the membership fake: the events the user created (what the adapter's createEvent records for listEventsOf). */
  eventsCreatedBy(userId: string): PhotoEvent[] {
    return [...this.#events.values()].filter((event) => event.organizerId === userId).map(copy);
  }

  async updateEvent(eventId: string, organizerId: string, changes: UpdateEventRequest): Promise<PhotoEvent | null> {
    const event = this.#events.get(eventId);
    if (!event || event.organizerId !== organizerId) return null;
    const updated = { ...event, ...definedFields(changes) };
    this.#events.set(eventId, copy(updated));
    return copy(updated);
  }

  // ------------------------------------------------------------------ uploads

  async reserveUpload(upload: Upload & { status: 'pending' }, quotas: UploadQuotas, now = new Date()): Promise<QuotaReservation> {
    const { start, secondsLeft } = quotaWindow(now);
    const { eventId, uploaderId, photoId, size } = upload;
    const counters: Counter[] = [
      { scope: 'user', id: `${eventId}/USER#${uploaderId}/${start}`, uploads: quotas.userUploadsPerHour, bytes: quotas.userBytesPerHour },
      { scope: 'event', id: `${eventId}/EVENT/${start}`, uploads: quotas.eventUploadsPerHour, bytes: quotas.eventBytesPerHour },
    ];
    const tooBig = counters.find((counter) => size > counter.bytes);
    if (tooBig) return { reserved: false, scope: tooBig.scope, retryAfterSeconds: secondsLeft };
    const id = idOf(eventId, photoId);
    if (this.#uploads.has(id)) throw new Error(`Upload ${photoId} already exists`);
    const full = this.#fullCounter(counters, size);
    if (full) return { reserved: false, scope: full, retryAfterSeconds: secondsLeft };
    this.#count(counters, 1, size);
    this.#uploads.set(id, copy(upload));
    return { reserved: true };
  }

  async getUpload(eventId: string, photoId: string): Promise<Upload | null> {
    return copyOrNull(this.#uploads.get(idOf(eventId, photoId)));
  }

  async rejectUpload(eventId: string, photoId: string, reason: string, now = new Date()): Promise<void> {
    const upload = this.#pendingUpload(eventId, photoId);
    if (upload)
      this.#uploads.set(idOf(eventId, photoId), { ...upload, status: 'rejected', rejectionReason: reason, rejectedAt: now.toISOString() });
  }

  async markUploadDuplicate(eventId: string, photoId: string, duplicateOf: string, now = new Date()): Promise<void> {
    const upload = this.#pendingUpload(eventId, photoId);
    if (upload) this.#uploads.set(idOf(eventId, photoId), { ...upload, status: 'duplicate', duplicateOf, duplicateAt: now.toISOString() });
  }

  #pendingUpload(eventId: string, photoId: string): (Upload & { status: 'pending' }) | undefined {
    const upload = this.#uploads.get(idOf(eventId, photoId));
    return upload?.status === 'pending' ? upload : undefined;
  }

  async storedTotals(eventId: string, uploaderId: string): Promise<StoredTotals> {
    const of = (id: string) => {
      const { uploads, bytes } = this.#quotaCounters.get(id) ?? { uploads: 0, bytes: 0 };
      return { photos: uploads, bytes };
    };
    return { user: of(`${eventId}/USER#${uploaderId}/TOTAL`), event: of(`${eventId}/EVENT/TOTAL`) };
  }

  /** The first counter that one more upload of `bytes` would take over a limit. */
  #fullCounter(counters: Counter[], bytes: number): Scope | undefined {
    for (const counter of counters) {
      const current = this.#quotaCounters.get(counter.id) ?? { uploads: 0, bytes: 0 };
      if (current.uploads >= counter.uploads || current.bytes + bytes > counter.bytes) return counter.scope;
    }
    return undefined;
  }

  #count(counters: Array<{ id: string }>, uploads: number, bytes: number): void {
    for (const counter of counters) {
      const current = this.#quotaCounters.get(counter.id) ?? { uploads: 0, bytes: 0 };
      this.#quotaCounters.set(counter.id, { uploads: current.uploads + uploads, bytes: current.bytes + bytes });
    }
  }

  // ------------------------------------------------------------------ photos

  /** Checked in the order the adapter maps its transaction's cancellation reasons. */
  async acceptPhoto(photo: Photo, quotas: UploadQuotas, now = new Date()): Promise<Acceptance> {
    const { eventId, photoId, uploaderId, sha256, size } = photo;
    const totals: Counter[] = [
      { scope: 'user', id: `${eventId}/USER#${uploaderId}/TOTAL`, uploads: quotas.userPhotosTotal, bytes: quotas.userBytesTotal },
      { scope: 'event', id: `${eventId}/EVENT/TOTAL`, uploads: quotas.eventPhotosTotal, bytes: quotas.eventBytesTotal },
    ];
    const tooBig = totals.find((counter) => size > counter.bytes);
    if (tooBig) return { accepted: false, because: 'overTotal', scope: tooBig.scope };
    const id = idOf(eventId, photoId);
    if (this.#photos.has(id)) return { accepted: false, because: 'acceptedBefore' };
    const upload = this.#uploads.get(id);
    if (upload?.status !== 'pending') return { accepted: false, because: 'notPending', upload: copyOrNull(upload) };
    const claimId = idOf(eventId, sha256);
    const holder = this.#claims.get(claimId)?.photoId;
    // A claim whose photo is gone is taken over, as the adapter does with one left by older data.
    if (holder !== undefined && holder !== photoId && this.#photos.has(idOf(eventId, holder)))
      return { accepted: false, because: 'duplicate', duplicateOf: holder };
    const full = this.#fullCounter(totals, size);
    if (full) return { accepted: false, because: 'overTotal', scope: full };
    this.#photos.set(id, { photo: copy(photo), ready: false });
    this.#claims.set(claimId, { sha256, photoId, claimedAt: now.toISOString() });
    this.#count(totals, 1, size);
    this.#uploads.set(id, { ...upload, status: 'accepted', acceptedAt: now.toISOString() });
    return { accepted: true };
  }

  async markPhotoReady(eventId: string, photoId: string, readyAt: string): Promise<boolean> {
    const id = idOf(eventId, photoId);
    const stored = this.#photos.get(id);
    if (!stored) return false;
    this.#photos.set(id, { photo: { ...stored.photo, createdAt: readyAt }, ready: true });
    return true;
  }

  async getPhoto(eventId: string, photoId: string): Promise<Photo | null> {
    const stored = this.#photos.get(idOf(eventId, photoId));
    return stored?.ready ? copy(stored.photo) : null;
  }

  #readyPhotos(eventId: string): Photo[] {
    return [...this.#photos.values()].filter(({ photo, ready }) => ready && photo.eventId === eventId).map(({ photo }) => photo);
  }

  async listPhotos(eventId: string, { limit, cursor, since, q, uploaderId }: PhotoListRequest): Promise<PhotoList> {
    const ofEvent = this.#readyPhotos(eventId);
    const matching = ofEvent.filter(
      (photo) =>
        (uploaderId === undefined || photo.uploaderId === uploaderId) &&
        (q === undefined || foldForSearch(photo.title).includes(q) || foldForSearch(photo.description).includes(q)),
    );
    if (since !== undefined) {
      // Nothing lands late here: the feed is simply what the cursor has not seen, oldest first.
      const cursor = decodeFeedCursor(since);
      const fresh = matching
        .filter((photo) => !cursor.seen.has(readyKey(photo)))
        .sort((a, b) => compare(readyKey(a), readyKey(b)))
        .slice(0, limit);
      return {
        items: fresh.map(copy),
        nextCursor: null,
        feedCursor: encodeFeedCursor([...cursor.seen, ...fresh.map(readyKey)], this.#changes.length),
        ...this.#changesSince(eventId, cursor.changes, uploaderId, fresh),
      };
    }
    const page = pageOf('photos', matching, readyKey, { limit, cursor });
    // What the event holds now is the first page's and its later pages': the feed brings the rest.
    return { ...page, feedCursor: cursor === undefined ? encodeFeedCursor(ofEvent.map(readyKey), this.#changes.length) : null };
  }

  /** The feed's edits (photos as they are now) and deletes after the first `count` changes, as the adapter answers them. */
  #changesSince(eventId: string, count: number, uploaderId: string | undefined, fresh: Photo[]): { changed: Photo[]; removed: string[] } {
    const changes = this.#changes
      .slice(count)
      .filter((change) => change.eventId === eventId && (uploaderId === undefined || change.uploaderId === uploaderId));
    const removed = new Set(changes.filter(({ change }) => change === 'removed').map(({ photoId }) => photoId));
    const listed = new Set(fresh.map(({ photoId }) => photoId));
    const edited = new Set(changes.filter(({ change }) => change === 'edited').map(({ photoId }) => photoId));
    const changed = [...edited]
      .filter((photoId) => !removed.has(photoId) && !listed.has(photoId))
      .map((photoId) => this.#photos.get(idOf(eventId, photoId)))
      .filter((stored) => stored?.ready)
      .map((stored) => copy(stored!.photo));
    return { changed, removed: [...removed] };
  }

  async updatePhotoText(eventId: string, photoId: string, changes: EditPhotoRequest): Promise<Photo | null> {
    const id = idOf(eventId, photoId);
    const stored = this.#photos.get(id);
    if (!stored?.ready) return null;
    const updated = { ...stored.photo, ...definedFields(changes) };
    this.#photos.set(id, { photo: copy(updated), ready: true });
    this.#changes.push({ eventId, photoId, change: 'edited', uploaderId: updated.uploaderId });
    return copy(updated);
  }

  async deletePhoto(eventId: string, photoId: string, uploaderId: string, now = new Date()): Promise<Photo | null> {
    const id = idOf(eventId, photoId);
    const stored = this.#photos.get(id);
    if (stored) {
      const { photo } = stored;
      this.#photos.delete(id);
      const claimId = idOf(eventId, photo.sha256);
      if (this.#claims.get(claimId)?.photoId === photoId) this.#claims.delete(claimId);
      this.#count([{ id: `${eventId}/USER#${photo.uploaderId}/TOTAL` }, { id: `${eventId}/EVENT/TOTAL` }], -1, -photo.size);
      this.#changes.push({ eventId, photoId, change: 'removed', uploaderId: photo.uploaderId });
    }
    // Whatever the upload's state (a bare marker when it is gone): the fields it had stay, as the adapter's SET leaves them.
    const upload: Partial<Upload> = this.#uploads.get(id) ?? {};
    this.#uploads.set(id, {
      ...upload,
      status: 'deleted',
      deletedAt: upload.status === 'deleted' ? upload.deletedAt : now.toISOString(),
      uploaderId: upload.uploaderId ?? uploaderId,
    } as Upload);
    return stored ? copy(stored.photo) : null;
  }

  // ------------------------------------------------------------------ hash claims

  async getHashClaim(eventId: string, sha256: string): Promise<HashClaim | null> {
    return copyOrNull(this.#claims.get(idOf(eventId, sha256)));
  }
}

const idOf = (eventId: string, id: string) => `${eventId}/${id}`;

/** A stored copy: JSON drops undefined fields as the DynamoDB adapter's marshalling does. */
export function copy<T>(record: T): T {
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

/** The adapter's order of the photo list: ready time, then id. */
const readyKey = (photo: Photo) => `${photo.createdAt}#${photo.photoId}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function encodeFeedCursor(seen: Iterable<string>, changes: number): string {
  return Buffer.from(JSON.stringify({ fake: 'feed', seen: [...seen], changes })).toString('base64url');
}

/** What a fake feed cursor holds: the photos delivered, and how many changes (of any event) it told of. */
function decodeFeedCursor(cursor: string): { seen: Set<string>; changes: number } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { fake?: unknown; seen?: unknown; changes?: unknown };
    if (
      parsed.fake === 'feed' &&
      Array.isArray(parsed.seen) &&
      parsed.seen.every((key) => typeof key === 'string') &&
      Number.isInteger(parsed.changes)
    )
      return { seen: new Set(parsed.seen), changes: parsed.changes as number };
  } catch {
    // fall through
  }
  throw new ValidationError('since', 'since is not a valid feed cursor');
}

/** The fakes' paged lists; a cursor of one is refused by the others, as the adapter's are. */
export type FakeList = 'events' | 'photos' | 'members';

/**
 * A page of `records` in descending `sortKey` order, after the cursor's key. Like a DynamoDB
 * Query with Limit, a full page carries a cursor even when nothing follows it.
 */
export function pageOf<T>(list: FakeList, records: T[], sortKey: (record: T) => string, { limit, cursor }: PageRequest): Page<T> {
  const after = cursor === undefined ? undefined : decodeCursor(list, cursor);
  const sorted = records.map((record) => ({ key: sortKey(record), record })).sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  const page = sorted.filter(({ key }) => after === undefined || key < after).slice(0, limit);
  const last = page.length === limit ? page.at(-1) : undefined;
  return { items: page.map(({ record }) => copy(record)), nextCursor: last ? encodeCursor(list, last.key) : null };
}

// Opaque to callers as the adapter's cursors are; only what encodeCursor made for the same list decodes.
function encodeCursor(list: FakeList, after: string): string {
  return Buffer.from(JSON.stringify({ fake: list, after })).toString('base64url');
}

function decodeCursor(list: FakeList, cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { fake?: unknown; after?: unknown };
    if (parsed.fake === list && typeof parsed.after === 'string' && parsed.after.length > 0) return parsed.after;
  } catch {
    // fall through: as the adapter, any cursor it did not make is the client's error
  }
  throw new ValidationError('cursor', 'cursor is not a valid page cursor');
}
