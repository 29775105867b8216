import { randomBytes } from 'node:crypto';
import { createDeflate } from 'node:zlib';
import sharp from 'sharp';

export { heicFixture } from '#lib/heic-fixture';
import { PNG_SIGNATURE, pngChunk } from '#lib/png-chunks';

export interface PhotoOptions {
  width: number;
  height: number;
  /** EXIF orientation (6: the camera was turned 90 degrees clockwise; displayed `height` x `width`). */
  orientation?: number;
  /** Writes GPS tags and a camera serial in the EXIF, as phones do. */
  gps?: boolean;
}

/**
 * A camera-like JPEG: noisy pixels (they compress like a photo, not like a flat colour), and
 * optionally an EXIF orientation and the GPS position and camera serial a gallery must not show.
 */
export async function photoJpeg({ width, height, orientation, gps = false }: PhotoOptions): Promise<Buffer> {
  const pixels = randomBytes(width * height * 3);
  let image = sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 });
  if (gps) {
    image = image.withExif({
      IFD0: { Make: 'FixtureCam', Model: 'F-1', Software: 'fixtures' },
      IFD2: { BodySerialNumber: 'SERIAL-12345' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 31/1 12/1', GPSLongitudeRef: 'E', GPSLongitude: '13/1 24/1 36/1' },
    });
  }
  if (orientation !== undefined) image = image.withMetadata({ orientation });
  return image.toBuffer();
}

/**
 * A greyscale PNG of 20000x20000 pixels (400 MP: 400 MB decoded, 1.2 GB as RGB) in about 400 KB:
 * a decompression bomb. Deflated row by row, so making it never holds the pixels either.
 */
export async function decompressionBombPng(): Promise<Buffer> {
  const side = 20_000;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  const deflate = createDeflate({ level: 9 });
  const compressed: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => compressed.push(chunk));
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  const row = Buffer.alloc(side + 1); // filter byte 0, then black pixels
  for (let y = 0; y < side; y++) if (!deflate.write(row)) await new Promise((resolve) => deflate.once('drain', resolve));
  deflate.end();
  await done;
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', Buffer.concat(compressed)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The first half of a real JPEG: its header is valid, its scan data ends early. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await photoJpeg({ width: 640, height: 480 });
  return whole.subarray(0, Math.floor(whole.length / 2));
}

/** A real PNG signature and header, then HTML: what the type sniffing accepts and decoding must refuse. */
export async function pngWithHtml(): Promise<Buffer> {
  const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: 'red' } })
    .png()
    .toBuffer();
  const header = png.subarray(0, 33); // signature (8) + IHDR chunk (25)
  return Buffer.concat([header, Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>\n'.repeat(40))]);
}
