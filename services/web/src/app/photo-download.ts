import type { PhotoView } from '@event-photos/core';
import { IMAGE_CONTENT_TYPES } from '@event-photos/core/limits';
import { isImageUrl } from '#lib/app/dom';

/** Longest file name stem kept: file systems allow 255 bytes, and a title may be 200 characters of any script. */
const STEM_MAX_CHARS = 80;

/**
 * A file name for a photo: its title without what file systems refuse or treat specially (path
 * separators, control and reserved characters, leading dots), shortened, else its id; then the
 * extension of what is saved.
 */
export function fileNameFor(photo: Pick<PhotoView, 'title' | 'photoId'>, contentType: string): string {
  const stem = [...photo.title.normalize('NFC').replace(/[\p{Cc}\p{Cf}<>:"/\\|?*]+/gu, ' ')]
    .slice(0, STEM_MAX_CHARS)
    .join('')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  return `${stem || `photo-${photo.photoId.slice(0, 8)}`}.${IMAGE_CONTENT_TYPES[contentType as keyof typeof IMAGE_CONTENT_TYPES] ?? 'bin'}`;
}

/**
 * What "Download" saves: the published original (location and device details removed) where
 * the caller may have it (`url`), else the largest rendition; null when there is neither.
 */
export function downloadOf(photo: PhotoView): { url: string; fileName: string } | null {
  if (isImageUrl(photo.url) && !photo.url.startsWith('data:')) return { url: photo.url, fileName: fileNameFor(photo, photo.contentType) };
  const largest = (photo.renditions ?? []).filter((rendition) => isImageUrl(rendition.url)).sort((a, b) => b.width - a.width)[0];
  return largest ? { url: largest.url, fileName: fileNameFor(photo, largest.contentType) } : null;
}

/**
 * Saves a file under `fileName`. The CDN is another origin, where a link's `download` attribute
 * is ignored (the browser would open the image instead): the file is fetched (the CDN answers
 * CORS, the page's policy allows it) and saved from a blob: URL of this page.
 */
export async function saveFile(url: string, fileName: string, signal?: AbortSignal): Promise<void> {
  const response = await fetch(url, { credentials: 'omit', ...(signal ? { signal } : {}) });
  if (!response.ok) throw new Error(`The file answered HTTP ${response.status}`);
  const objectUrl = URL.createObjectURL(await response.blob());
  try {
    clickLink(objectUrl, fileName);
  } finally {
    // The download has started from the click; the blob is not needed after it.
    setTimeout(() => URL.revokeObjectURL(objectUrl), 60_000);
  }
}

/** Opens a presigned URL that answers Content-Disposition: attachment: the browser saves the file, the page stays. */
export function openDownload(url: string): void {
  clickLink(url);
}

function clickLink(href: string, fileName?: string): void {
  const link = document.createElement('a');
  link.href = href;
  if (fileName) link.download = fileName;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}
