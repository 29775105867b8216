import { randomBytes } from 'node:crypto';

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
