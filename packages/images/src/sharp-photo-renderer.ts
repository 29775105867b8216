import pLimit from 'p-limit';
import sharp, { type Metadata, type Sharp, type WebpOptions } from 'sharp';
import {
  PLACEHOLDER_MAX_CHARS,
  RENDITION_CONTENT_TYPE,
  renditionWidths,
  type ImageContentType,
  type PhotoRenderer,
  type RenderOutcome,
  type RenderedRendition,
  type StripResult,
} from '@event-photos/core';
import { stripIdentifyingMetadata } from '#lib/strip-metadata';
import { FORMAT_BUDGETS, MAX_INPUT_PIXELS, budgetRefusal, pngMetadataRefusal } from '#lib/decode-budget';

export { MAX_INPUT_PIXELS } from '#lib/decode-budget';
const WEBP_QUALITY = 80;
/**
 * Renditions wider than the grid's 960w (the lightbox's 1920w) are encoded at libwebp effort 2,
 * the others at sharp's default 4. At effort 4 the 1920w's encode was the largest part of
 * processing (a 12 MP photo: ~0.45 s of the ~0.8 s of CPU its rendering took); effort 2 skips libwebp's
 * rate-distortion search and takes under half that, for 1-5% more bytes and 0.3-0.4 dB less PSNR
 * on phone photos (1% and 0.04 dB on the bench's noise; bench/README.md, renditions). Efforts 0-1
 * were faster still but made phone photos' 1920w 15-65% larger. The 960w, served ~20 times per
 * photo (docs/cost-model.md), costs a fifth of the 1920w's encode: its bytes are worth effort 4.
 */
const FAST_EFFORT_ABOVE_WIDTH = 960;
const PLACEHOLDER_BOX = 16;

/** The WebP settings of a rendition `width` wide. */
export function renditionWebp(width: number): WebpOptions {
  return { quality: WEBP_QUALITY, effort: width > FAST_EFFORT_ABOVE_WIDTH ? 2 : 4 };
}

// One photo at a time per Lambda process: libvips' operation cache only holds memory here.
sharp.cache(false);
// One libvips worker thread per operation: processing runs on one vCPU or a share of one (1769 MB or
// less), which more threads only take turns on. It is sharp's default on glibc Linux, as on Lambda;
// said here so that a machine with another default measures what Lambda runs.
sharp.concurrency(1);

/** The file's pixels, read once: each step below starts from this, never from the file again. */
interface Decoded {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

/**
 * Renders a photo for galleries with libvips. The file is decoded ONCE, oriented (EXIF), converted
 * to sRGB and shrunk to the largest rendition (JPEG shrinks while it decodes); every rendition and
 * the placeholder are resized from those pixels, one after the other (see renderPhoto). Outputs carry no metadata at all (sharp writes
 * none unless asked): no EXIF, no GPS, no camera serial, no ICC profile (the pixels are sRGB).
 * Invalid pixel data fails the decode (`failOn: 'error'`: truncated or corrupt files).
 *
 * Nothing is decoded past its format's budget (decode-budget.ts): size, frames and decoded bytes
 * are read from the header first, and a PNG's compressed metadata is weighed before libvips reads
 * it. An animation's renditions show its first frame (a gallery's thumbnails are stills), and only
 * that frame is decoded.
 */
export class SharpPhotoRenderer implements PhotoRenderer {
  // One photo decoded at a time per process, however many a batch or reconcile has in flight:
  // the memory needed is that of one photo, which is what the function's memory is chosen for.
  readonly #oneAtATime = pLimit(1);

  render(bytes: Uint8Array, contentType: ImageContentType): Promise<RenderOutcome> {
    return this.#oneAtATime(() => renderPhoto(bytes, contentType));
  }

  stripIdentifyingMetadata(bytes: Uint8Array, contentType: ImageContentType): StripResult {
    return stripIdentifyingMetadata(bytes, contentType);
  }
}

async function renderPhoto(bytes: Uint8Array, contentType: ImageContentType): Promise<RenderOutcome> {
  // libpng inflates text and ICC chunks while reading the header: weighed before it does.
  const metadataRefusal = pngMetadataRefusal(bytes);
  if (metadataRefusal) return { kind: 'rejected', reason: metadataRefusal };
  let header: Metadata;
  try {
    // The header only: it names a bomb's size without decoding it (`pages` counts every frame).
    header = await sharp(bytes, { limitInputPixels: false, unlimited: false }).metadata();
  } catch (error) {
    return { kind: 'rejected', reason: reasonOf(error, contentType) };
  }
  const overBudget = budgetRefusal(header, contentType, bytes.length);
  if (overBudget) return { kind: 'rejected', reason: overBudget };
  const { width, height } = header.autoOrient;
  // HEVC is patent-encumbered and not in prebuilt libvips: the container is valid, the pixels unreadable here.
  if (header.format === 'heif' && header.compression === 'hevc') {
    return { kind: 'kept', width, height, reason: 'HEIC photos are kept as uploaded: this server cannot decode HEIC to make previews' };
  }
  const widths = renditionWidths(width);
  let decoded: Decoded;
  try {
    // sharp's own guards too: the format's pixel limit again (from the header it reads), libvips'
    // and libheif's safety limits (unlimited: false; libheif refuses AV1 data larger than the
    // container declares), a sequential read, and the first frame only.
    const input = sharp(bytes, {
      failOn: 'error',
      limitInputPixels: FORMAT_BUDGETS[contentType].maxPixels,
      unlimited: false,
      sequentialRead: true,
      pages: 1,
    });
    decoded = await decodeOnce(input, widths.at(-1)!);
  } catch (error) {
    return { kind: 'rejected', reason: reasonOf(error, contentType) };
  }
  // One output at a time: on one vCPU or a share of one, outputs encoded at once only take turns on
  // the same quota, spend 4-8% more CPU together (measured at 1024 and 1536 MB's CPU share), and
  // hold every output's buffers at the same time.
  const renditions: RenderedRendition[] = [];
  for (const target of widths) renditions.push(await rendition(decoded, target));
  const placeholder = await placeholderOf(decoded);
  return { kind: 'rendered', width, height, renditions, placeholder };
}

/** Oriented, sRGB, 8-bit, `width` wide: the pixels every output is made from. */
export async function decodeOnce(image: Sharp, width: number): Promise<Decoded> {
  const { data, info } = await image
    .autoOrient()
    .resize({ width, withoutEnlargement: true })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data, info: { width: info.width, height: info.height, channels: info.channels } };
}

const fromPixels = ({ data, info }: Decoded) => sharp(data, { raw: info });

async function rendition(decoded: Decoded, width: number): Promise<RenderedRendition> {
  const image = width === decoded.info.width ? fromPixels(decoded) : fromPixels(decoded).resize({ width });
  const { data, info } = await image.webp(renditionWebp(width)).toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    contentType: RENDITION_CONTENT_TYPE,
    bytes: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

/** A 16-pixel WebP, as a data: URI: the browser's upscaling blurs it into a preview. */
async function placeholderOf(decoded: Decoded): Promise<string> {
  const tiny = await fromPixels(decoded)
    .resize({ width: PLACEHOLDER_BOX, height: PLACEHOLDER_BOX, fit: 'inside' })
    .webp({ quality: 40 })
    .toBuffer();
  const uri = `data:${RENDITION_CONTENT_TYPE};base64,${tiny.toString('base64')}`;
  if (uri.length > PLACEHOLDER_MAX_CHARS) throw new Error(`Placeholder of ${uri.length} characters, over ${PLACEHOLDER_MAX_CHARS}`);
  return uri;
}

/**
 * libvips' messages, in words for the uploader. Its raw text starts with format-probing noise
 * ("source: bad seek to N"), so only known phrases are matched and the rest is summarised.
 */
function reasonOf(error: unknown, contentType: ImageContentType): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/exceeds pixel limit/i.test(message)) return `The image is over the limit of ${MAX_INPUT_PIXELS / 1e6} megapixels`;
  // libheif: the coded image is larger (or other) than the size the container declares.
  if (/Security limit exceeded: Image size|does not have the size signaled/i.test(message)) {
    return `The image data does not match the size its ${contentType} container declares`;
  }
  if (/premature end|truncated|unexpected end/i.test(message)) return `The image file is truncated (declared ${contentType})`;
  return `The image cannot be decoded as ${contentType}: the file is corrupt or not an image`;
}
