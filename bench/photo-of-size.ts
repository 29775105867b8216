// Camera-like JPEGs of an exact size, for the uploads the bench processes.
import { randomBytes } from 'node:crypto';
import { photoJpeg } from '@event-photos/testing/fixtures';

/**
 * A camera-like JPEG of exactly `size` bytes: the largest 4:3 photoJpeg that fits, then comment
 * segments (random bytes, which every decoder skips) after its APPn segments for the rest (a few
 * per cent). Processing reads and hashes every byte and decodes a photo of about that size.
 */
export async function photoJpegOfSize(size: number): Promise<{ bytes: Buffer<ArrayBuffer>; width: number; height: number }> {
  const sample = await photoJpeg({ width: 800, height: 600 });
  let pixels = (0.97 * size) / (sample.length / (800 * 600));
  for (;;) {
    const width = Math.round(Math.sqrt((pixels * 4) / 3));
    const height = Math.round((width * 3) / 4);
    const photo = await photoJpeg({ width, height });
    if (photo.length + 4 <= size) return { bytes: padJpeg(photo, size), width, height };
    pixels *= 0.97;
  }
}

function padJpeg(jpeg: Buffer, size: number): Buffer<ArrayBuffer> {
  let offset = 2; // after SOI: skip APP0 (JFIF) / APP1 (EXIF), which decoders want first
  while (jpeg[offset] === 0xff && jpeg[offset + 1]! >= 0xe0 && jpeg[offset + 1]! <= 0xef) offset += 2 + jpeg.readUInt16BE(offset + 2);
  const segments: Buffer[] = [];
  let padding = size - jpeg.length;
  while (padding > 0) {
    // A segment is 4 bytes + up to 65,533 of data; never leave fewer than 4 bytes for the next one.
    let data = Math.min(65_533, padding - 4);
    if (padding - 4 - data > 0 && padding - 4 - data < 4) data -= 4;
    const segment = randomBytes(4 + data);
    segment.writeUInt16BE(0xfffe, 0);
    segment.writeUInt16BE(data + 2, 2);
    segments.push(segment);
    padding -= 4 + data;
  }
  const padded = Buffer.concat([jpeg.subarray(0, offset), ...segments, jpeg.subarray(offset)]);
  if (padded.length !== size) throw new Error(`padJpeg: ${padded.length} bytes, not ${size}`);
  return padded;
}
