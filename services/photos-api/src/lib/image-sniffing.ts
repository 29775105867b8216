import { fileTypeFromBuffer } from 'file-type';
import type { ImageContentType } from '@event-photos/core';

/** Enough bytes for file-type to recognise every format we accept (its own sample size). */
export const SNIFF_BYTES = 4100;

// HEIC files may carry the generic HEIF brand.
const ACCEPTED_MIME: Record<ImageContentType, string[]> = {
  'image/jpeg': ['image/jpeg'],
  'image/png': ['image/png'],
  'image/webp': ['image/webp'],
  'image/gif': ['image/gif'],
  'image/avif': ['image/avif'],
  'image/heic': ['image/heic', 'image/heif'],
};

/** null when the bytes are the declared type; otherwise why not, in words for the uploader. */
export async function imageTypeMismatch(firstBytes: Uint8Array, declared: ImageContentType): Promise<string | null> {
  const detected = await fileTypeFromBuffer(firstBytes);
  if (detected && ACCEPTED_MIME[declared].includes(detected.mime)) return null;
  return detected
    ? `The file is ${detected.mime}, not the declared ${declared}`
    : `The file is not a recognisable image (declared ${declared})`;
}
