import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

export { FIXTURE_EVENT_ID, FIXTURE_PHOTO_ID, ORGANIZER_ID, UPLOADER_ID, eventRecord, photoRecord, uploadRecord } from '#lib/store-records';

/**
 * `size` random bytes framed as a JPEG (SOI + JFIF APP0 ... EOI): what the type sniffing checks.
 * Random content keeps compression and caching from flattering any figure. One allocation, so
 * it also serves the bench's 1 GiB objects.
 */
export function jpegBytes(size: number): Buffer<ArrayBuffer> {
  const bytes = randomBytes(size);
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
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
