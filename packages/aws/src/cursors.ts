import { ValidationError, eventIdSchema, memberIdSchema, photoIdSchema } from '@event-photos/core';

// Every cursor the adapters hand out, opaque to callers. A page cursor is the base64url JSON of
// the key the next page starts after, with a version of its own per list (events 1, photos 2,
// members 3), so a cursor of one list is refused by the others; a feed cursor is binary (see
// below). Any cursor these functions did not make is refused with a ValidationError on the field
// it came in.

function encodePageCursor(version: number, fields: Record<string, string>): string {
  return Buffer.from(JSON.stringify({ v: version, ...fields })).toString('base64url');
}

/** The cursor's fields, when it is a page cursor of `version` that `accept` takes; otherwise a ValidationError on `cursor`. */
function decodePageCursor<T>(cursor: string, version: number, accept: (fields: Record<string, unknown>) => T | undefined): T {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const value = parsed['v'] === version ? accept(parsed) : undefined;
    if (value !== undefined) return value;
  } catch {
    // fall through: any undecodable cursor is the client's error
  }
  throw new ValidationError('cursor', 'cursor is not a valid page cursor');
}

// ---------------------------------------------------------------- a user's events (membership-repository.ts)

/** A later page of events starts below the index key `{createdAt}#{eventId}` of the last event listed. */
export function encodeEventCursor(gsi1sk: string): string {
  const separator = gsi1sk.lastIndexOf('#');
  return encodePageCursor(1, { createdAt: gsi1sk.slice(0, separator), eventId: gsi1sk.slice(separator + 1) });
}

// Only what encodeEventCursor makes: a forged key could otherwise point the Query anywhere.
const EVENT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

export function decodeEventCursor(cursor: string): { createdAt: string; eventId: string } {
  return decodePageCursor(cursor, 1, ({ createdAt, eventId }) =>
    typeof createdAt === 'string' && EVENT_TIME.test(createdAt) && eventIdSchema.safeParse(eventId).success
      ? { createdAt, eventId: eventId as string }
      : undefined,
  );
}

// ---------------------------------------------------------------- members (membership-repository.ts)

/** A later page of members starts after the member `memberId` (the last one the previous page examined). */
export const encodeMemberCursor = (memberId: string) => encodePageCursor(3, { memberId });

export function decodeMemberCursor(cursor: string): string {
  return decodePageCursor(cursor, 3, ({ memberId }) => (memberIdSchema.safeParse(memberId).success ? (memberId as string) : undefined));
}

// ---------------------------------------------------------------- photos (photo-listing.ts)

/** Above every ready key of that millisecond ("~" sorts after hex digits and "-"). */
export const endOfMillisecond = (ms: number) => `${new Date(ms).toISOString()}#~`;

const READY_KEY = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)#([0-9a-f-]{36})$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A later page of photos starts below the ready key `after` (the last one the previous page examined). */
export function encodePhotoCursor(after: string): string {
  return encodePageCursor(2, { after });
}

export function decodePhotoCursor(cursor: string): string {
  return decodePageCursor(cursor, 2, ({ after }) => (isReadyKey(after) ? (after as string) : undefined));
}

/**
 * A feed position: everything at or below `watermark` has been delivered, and so have the `seen`
 * photos above it (those of the last FEED_SETTLE_MS, which later writes may still land among).
 */
export interface FeedCursor {
  watermark: string;
  seen: string[];
}

// Binary, so a busy event's recent ids fit a query string: version, the watermark's milliseconds
// (6 bytes), whether it ends a millisecond (0) or names a photo (1 + its 16 bytes), then each seen
// photo as its milliseconds after the watermark's (4 bytes) and its id (16 bytes).
const FEED_VERSION = 1;

export function encodeFeedCursor({ watermark, seen }: FeedCursor): string {
  const { ms, photoId } = splitBoundary(watermark);
  const parts = [
    Buffer.from([FEED_VERSION]),
    uint48(ms),
    photoId === undefined ? Buffer.from([0]) : Buffer.concat([Buffer.from([1]), uuidBytes(photoId)]),
  ];
  for (const key of seen) {
    const entry = splitBoundary(key);
    const offset = Buffer.alloc(4);
    offset.writeUInt32BE(entry.ms - ms);
    parts.push(offset, uuidBytes(entry.photoId!));
  }
  return Buffer.concat(parts).toString('base64url');
}

export function decodeFeedCursor(cursor: string): FeedCursor {
  const bytes = Buffer.from(cursor, 'base64url');
  const invalid = () => new ValidationError('since', 'since is not a valid feed cursor');
  if (bytes.length < 8 || bytes[0] !== FEED_VERSION || bytes.toString('base64url') !== cursor) throw invalid();
  const ms = bytes.readUIntBE(1, 6);
  let offset = 8;
  let watermark = endOfMillisecond(ms);
  if (bytes[7] === 1) {
    if (bytes.length < 24) throw invalid();
    watermark = `${new Date(ms).toISOString()}#${uuidText(bytes.subarray(8, 24))}`;
    offset = 24;
  } else if (bytes[7] !== 0) throw invalid();
  if ((bytes.length - offset) % 20 !== 0) throw invalid();
  const seen: string[] = [];
  for (; offset < bytes.length; offset += 20) {
    const key = `${new Date(ms + bytes.readUInt32BE(offset)).toISOString()}#${uuidText(bytes.subarray(offset + 4, offset + 20))}`;
    if (!isReadyKey(key) || key <= watermark) throw invalid();
    seen.push(key);
  }
  if (!isBoundary(watermark)) throw invalid();
  return { watermark, seen };
}

function isReadyKey(value: unknown): boolean {
  const match = typeof value === 'string' ? READY_KEY.exec(value) : null;
  return match !== null && photoIdSchema.safeParse(match[2]).success && !Number.isNaN(Date.parse(match[1]!));
}

function isBoundary(value: string): boolean {
  return isReadyKey(value) || (value.endsWith('#~') && ISO_TIME.test(value.slice(0, -2)) && !Number.isNaN(Date.parse(value.slice(0, -2))));
}

function splitBoundary(key: string): { ms: number; photoId: string | undefined } {
  const separator = key.indexOf('#');
  const rest = key.slice(separator + 1);
  return { ms: Date.parse(key.slice(0, separator)), photoId: rest === '~' ? undefined : rest };
}

function uint48(value: number): Buffer {
  const buffer = Buffer.alloc(6);
  buffer.writeUIntBE(value, 0, 6);
  return buffer;
}

const uuidBytes = (id: string) => Buffer.from(id.replaceAll('-', ''), 'hex');

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
