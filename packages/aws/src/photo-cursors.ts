import { ValidationError, photoIdSchema } from '@event-photos/core';

/** Above every ready key of that millisecond ("~" sorts after hex digits and "-"). */
export const endOfMillisecond = (ms: number) => `${new Date(ms).toISOString()}#~`;

const READY_KEY = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)#([0-9a-f-]{36})$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A later page starts below the ready key `after` (the last one the previous page examined). */
export function encodePageCursor(after: string): string {
  return Buffer.from(JSON.stringify({ v: 2, after })).toString('base64url');
}

export function decodePageCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; after?: unknown };
    if (parsed.v === 2 && isReadyKey(parsed.after)) return parsed.after as string;
  } catch {
    // fall through: any undecodable cursor is the client's error
  }
  throw new ValidationError('cursor', 'cursor is not a valid page cursor');
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
const VERSION = 1;

export function encodeFeedCursor({ watermark, seen }: FeedCursor): string {
  const { ms, photoId } = splitBoundary(watermark);
  const parts = [
    Buffer.from([VERSION]),
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
  if (bytes.length < 8 || bytes[0] !== VERSION || bytes.toString('base64url') !== cursor) throw invalid();
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
