import { constants, inflateSync } from 'node:zlib';
import type { Metadata } from 'sharp';
import type { ImageContentType } from '@event-photos/core';

// The decode budget: what an upload may cost processing (1024 MB, 0.579 vCPU), decided from its
// header before a pixel is decoded. Each limit is set from measurements of the hostile corpus
// (packages/images/README.md, "Decode budget", where the figures and the reasons are).

/**
 * Larger than any camera's photo or a phone's panorama (24 MP sensors, ~60 MP panoramas); a
 * decompression bomb (a small file that decodes to hundreds of megapixels) is refused from its
 * header, before any pixel is decoded.
 */
export const MAX_INPUT_PIXELS = 100_000_000;
/**
 * width x height x channels x bytes per sample of the frame decoded: 100 MP of 8-bit RGB. Decoders
 * that stream (PNG, JPEG) take time in proportion to it; those that hold the image (interlaced PNG,
 * progressive JPEG) hold about that much memory.
 */
export const MAX_DECODED_BYTES = 3 * MAX_INPUT_PIXELS;
/** Renditions show an animation's first frame; the original, published as uploaded, plays them all. */
export const MAX_FRAMES = 1000;
/** Pixels of all frames together: 240 frames of 1080p, or 1000 of 700x700. */
export const MAX_ANIMATION_PIXELS = 500_000_000;
/** Inflated zTXt, iTXt and iCCP chunks of a PNG together (ICC profiles and XMP are kilobytes). */
export const MAX_PNG_METADATA_BYTES = 8 * 2 ** 20;

interface FormatBudget {
  /** sharp's name for the format, and for HEIF the codec. */
  format: 'jpeg' | 'png' | 'webp' | 'gif' | 'heif';
  compression?: 'av1' | 'hevc';
  /** The format's name in reasons. */
  name: string;
  /** Pixels of the frame decoded. */
  maxPixels: number;
  /** The file's size: where decoding time grows with the compressed bytes faster than elsewhere. */
  maxFileBytes?: number;
}

export const FORMAT_BUDGETS: Record<ImageContentType, FormatBudget> = {
  'image/jpeg': { format: 'jpeg', name: 'JPEG', maxPixels: MAX_INPUT_PIXELS },
  'image/png': { format: 'png', name: 'PNG', maxPixels: MAX_INPUT_PIXELS },
  'image/webp': { format: 'webp', name: 'WebP', maxPixels: MAX_INPUT_PIXELS },
  // libnsgif decodes the whole canvas as RGBA, slowly (LZW): a 10000x9999 GIF took 11.6 s and 510 MiB.
  'image/gif': { format: 'gif', name: 'GIF', maxPixels: 25_000_000 },
  // libheif and the AV1 decoder hold 18 (8-bit) to 26 (10-bit) bytes a pixel, and AV1 decodes about
  // 4 MB of a noisy file per CPU second here.
  'image/avif': { format: 'heif', compression: 'av1', name: 'AVIF', maxPixels: 20_000_000, maxFileBytes: 8 * 2 ** 20 },
  // Never decoded (no HEVC in prebuilt libvips): only the header is read.
  'image/heic': { format: 'heif', compression: 'hevc', name: 'HEIC', maxPixels: MAX_INPUT_PIXELS },
};

const BYTES_PER_SAMPLE: Partial<Record<Metadata['depth'], number>> = { uchar: 1, char: 1, ushort: 2, short: 2 };
const megapixels = (pixels: number) => `${Math.round(pixels / 1e5) / 10} megapixels`;
const megabytes = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
const mebibytes = (bytes: number) => `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB`;

/**
 * Why the file's header is over its format's budget, or undefined when it fits. `header` is sharp's
 * metadata() of the file (its first frame's size, `pages` the frame count).
 */
export function budgetRefusal(header: Metadata, contentType: ImageContentType, fileBytes: number): string | undefined {
  const budget = FORMAT_BUDGETS[contentType];
  const { width, height, format, compression, channels, depth } = header;
  if (format !== budget.format || (budget.compression && compression !== budget.compression)) {
    return `The file is ${format}${compression ? ` (${compression})` : ''}, not the declared ${contentType}`;
  }
  const frames = header.pages ?? 1;
  const pixels = width * height;
  if (pixels > budget.maxPixels) {
    // One wording for every format's limit (the uploader's client shows it as is).
    const limit = budget.maxPixels === MAX_INPUT_PIXELS ? '' : ` for ${budget.name}`;
    return `The image is ${width}x${height} pixels, over the limit of ${megapixels(budget.maxPixels)}${limit}`;
  }
  if (frames > MAX_FRAMES) return `The ${budget.name} has ${frames} frames, over the limit of ${MAX_FRAMES}`;
  if (pixels * frames > MAX_ANIMATION_PIXELS) {
    return `The ${budget.name} has ${frames} frames of ${width}x${height} pixels, ${megapixels(pixels * frames)} in all, over the limit of ${megapixels(MAX_ANIMATION_PIXELS)}`;
  }
  const bytesPerSample = BYTES_PER_SAMPLE[depth];
  if (bytesPerSample === undefined) return `The ${budget.name} has ${depth} samples, which are not decoded here`;
  const decoded = pixels * channels * bytesPerSample;
  if (decoded > MAX_DECODED_BYTES) {
    return `The image is ${width}x${height} pixels of ${channels} channels at ${8 * bytesPerSample} bits, ${megabytes(decoded)} decoded, over the limit of ${megabytes(MAX_DECODED_BYTES)}`;
  }
  if (budget.maxFileBytes !== undefined && fileBytes > budget.maxFileBytes) {
    return `The ${budget.name} file is ${mebibytes(fileBytes)}, over the limit of ${mebibytes(budget.maxFileBytes)} for ${budget.name}`;
  }
  return undefined;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Why a PNG's compressed metadata is refused, or undefined. libpng inflates every zTXt, iTXt and
 * iCCP chunk before the first pixel, up to 50 MiB each, when sharp reads the header and again when
 * it decodes: 300 chunks of 49 MiB (15 MB of file) took 19 s of CPU. Here the chunks are walked and
 * inflated first, together at most MAX_PNG_METADATA_BYTES (milliseconds), before libvips sees the
 * file. Anything else amiss (truncation, bad CRCs) is left to the decoder to refuse.
 */
export function pngMetadataRefusal(bytes: Uint8Array): string | undefined {
  if (bytes.length < 8 || PNG_SIGNATURE.some((byte, index) => bytes[index] !== byte)) return undefined;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let left = MAX_PNG_METADATA_BYTES;
  for (let offset = 8; offset + 8 <= view.length; ) {
    const start = offset + 8;
    const end = start + view.readUInt32BE(offset);
    if (end > view.length) break;
    const type = view.toString('latin1', offset + 4, start);
    const compressed = compressedPart(type, view.subarray(start, end));
    if (compressed) left -= inflatedSize(compressed, left);
    if (left < 0) {
      return `The PNG's compressed metadata (zTXt, iTXt and iCCP chunks) inflates to more than ${mebibytes(MAX_PNG_METADATA_BYTES)}, the limit`;
    }
    if (type === 'IEND') break;
    offset = end + 4; // the CRC
  }
  return undefined;
}

/** Deflate's best ratio (a 258-byte match in a few bits), and a little for a stream's own bytes. */
const DEFLATE_MAX_RATIO = 1032;
const DEFLATE_SLACK = 1024;

/** The bytes a zlib stream inflates to, or more than `limit` once past it (inflating stops there). */
function inflatedSize(compressed: Buffer, limit: number): number {
  try {
    // A sync flush at the end: a stream cut short gives what it has, as libpng inflates it.
    return inflateSync(compressed, { maxOutputLength: limit + 1, finishFlush: constants.Z_SYNC_FLUSH }).length;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return limit + 1;
    // Corrupt: libpng inflates up to the damage, at most what deflate can pack in these bytes.
    return compressed.length * DEFLATE_MAX_RATIO + DEFLATE_SLACK;
  }
}

/** The zlib stream of a compressed metadata chunk (PNG 1.2, 11.3.3 and 11.3.4), if it is one. */
function compressedPart(type: string, data: Buffer): Buffer | undefined {
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 0) return undefined;
  // keyword, 0, compression method, zlib data
  if (type === 'zTXt' || type === 'iCCP') return data.subarray(keywordEnd + 2);
  if (type !== 'iTXt' || data[keywordEnd + 1] !== 1) return undefined;
  // keyword, 0, compression flag, compression method, language tag, 0, translated keyword, 0, text
  const languageEnd = data.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  return translatedEnd < 0 ? undefined : data.subarray(translatedEnd + 1);
}
