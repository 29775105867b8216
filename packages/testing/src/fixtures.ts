import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { PNG_SIGNATURE, pngChunk } from '#lib/png-chunks';

export {
  FIXTURE_EVENT_ID,
  FIXTURE_PHOTO_ID,
  ORGANIZER_ID,
  UPLOADER_ID,
  eventRecord,
  photoRecord,
  uploadRecord,
  uploadRecordOf,
  type PendingUpload,
} from '#lib/store-records';
export { UNLIMITED_QUOTAS, seedPhoto } from '#lib/seed-photos';
export { ALL_RIGHTS, inviteCode, seedMember } from '#lib/seed-members';

// A real 1x1 JPEG (266 bytes, made with sharp): decoders accept it, and the bytes jpegBytes
// adds go into COM segments, which every decoder skips.
const TINY_JPEG = Buffer.from(
  '/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAABAAEDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAP/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/ALAA/9k=',
  'base64',
);
const COM_MAX_DATA = 65_533; // a segment's 2-byte length counts itself
export const JPEG_MIN_BYTES = TINY_JPEG.length + 4;

/**
 * A valid JPEG (1x1 pixel) of exactly `size` bytes, the rest random bytes (or `fill`, for bytes a
 * test can make again) in comment segments: processing decodes it, and random content keeps
 * compression and caching from flattering any figure. One allocation, so it also serves the
 * bench's 1 GiB objects.
 */
export function jpegBytes(size: number, fill?: number): Buffer<ArrayBuffer> {
  if (size !== TINY_JPEG.length && size < JPEG_MIN_BYTES) throw new RangeError(`jpegBytes: at least ${JPEG_MIN_BYTES} bytes`);
  const bytes = fill === undefined ? randomBytes(size) : Buffer.alloc(size, fill);
  bytes.writeUInt16BE(0xffd8, 0);
  let offset = 2;
  let padding = size - TINY_JPEG.length;
  while (padding > 0) {
    // Never leave less than a segment's 4 bytes for the next one.
    let data = Math.min(COM_MAX_DATA, padding - 4);
    if (padding - 4 - data > 0 && padding - 4 - data < 4) data -= 4;
    bytes.writeUInt16BE(0xfffe, offset);
    bytes.writeUInt16BE(data + 2, offset + 2);
    offset += 4 + data;
    padding -= 4 + data;
  }
  TINY_JPEG.copy(bytes, offset, 2);
  return bytes;
}

/**
 * Bytes that start as a JPEG does and are noise after: what the type sniffing accepts and decoding refuses.
 * The noise is seeded, so libvips refuses them with the same words every run (truly random bytes are
 * sometimes read as a truncated scan instead of a corrupt one).
 */
export function jpegLookalike(size: number, seed = 0x2545f491): Buffer<ArrayBuffer> {
  const bytes = Buffer.alloc(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]).copy(bytes, 0);
  if (size >= 14) bytes.writeUInt16BE(0xffd9, size - 2);
  return bytes;
}

/** A real RGB PNG (a gradient), built with zlib: width x height pixels. */
export function png(width: number, height: number): Buffer {
  const rowLength = width * 3 + 1;
  const raw = Buffer.alloc(rowLength * height);
  for (let y = 0; y < height; y++) {
    raw[y * rowLength] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const offset = y * rowLength + 1 + x * 3;
      raw[offset] = Math.round((x / Math.max(1, width - 1)) * 255);
      raw[offset + 1] = Math.round((y / Math.max(1, height - 1)) * 255);
      raw[offset + 2] = 160;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

export * from '#lib/image-fixtures';
