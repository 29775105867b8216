import type { ImageContentType } from '@event-photos/core';
import { stripJpeg } from '#lib/jpeg-segments';
import { stripPng } from '#lib/png-chunks-strip';
import type { StripResult } from '#lib/strip-result';
import { stripWebp } from '#lib/webp-chunks';

export type { StripResult } from '#lib/strip-result';

/**
 * What others download carries no location or device identity: the published original is the
 * upload with its identifying metadata taken out, losslessly. The containers are edited, never the
 * image data: JPEG's entropy-coded scans, PNG's IDAT chunks and WebP's VP8/VP8L/ALPH chunks are
 * copied byte for byte, so the file decodes to the very same pixels. Kept: the orientation (as a
 * minimal Exif holding Orientation alone) and the colour profile. Removed: GPS, make, model, serial
 * numbers, owner, artist, copyright, maker notes, thumbnails, XMP, IPTC, comments, and every
 * container part not known to be needed. The rules of each format are with its code:
 * `jpeg-segments.ts`, `png-chunks-strip.ts`, `webp-chunks.ts`.
 *
 * Pure and synchronous; no pixel is decoded. Never throws on what an upload holds: a malformed
 * structure answers `unsupported` (and then no original is published), and every walk is bounded
 * by the file's length and a segment/chunk count, so hostile files answer in milliseconds.
 */
export const STRIPPABLE_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const satisfies readonly ImageContentType[];
export type StrippableContentType = (typeof STRIPPABLE_CONTENT_TYPES)[number];

/**
 * Whether the metadata of this type can be stripped. HEIC and AVIF (ISO BMFF: Exif and XMP are
 * items referenced from the meta box, with offsets across the file) and GIF are not edited here:
 * for them processing publishes renditions only, no original.
 */
export function canStripMetadata(contentType: string): contentType is StrippableContentType {
  return (STRIPPABLE_CONTENT_TYPES as readonly string[]).includes(contentType);
}

export function stripIdentifyingMetadata(bytes: Uint8Array, contentType: string): StripResult {
  if (!canStripMetadata(contentType)) return { unsupported: `the metadata of ${contentType} files is not stripped` };
  try {
    if (contentType === 'image/jpeg') return stripJpeg(bytes);
    if (contentType === 'image/png') return stripPng(bytes);
    return stripWebp(bytes);
  } catch (error) {
    // Every read is bounds-checked; this is the net under that, should a check be missing.
    return { unsupported: `malformed ${contentType}: ${error instanceof Error ? error.message : String(error)}` };
  }
}
