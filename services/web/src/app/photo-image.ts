import type { PhotoView } from '@event-photos/core';
import { isImageUrl } from '#lib/app/dom';

/** A photo as the gallery shows it: renditions, displayed size and placeholder when the record has them (photos from before renditions have none). */
export type GalleryPhoto = PhotoView;

/** What a tile shows for a photo the browser cannot display and that has no renditions (HEIC outside Safari). */
const NO_PREVIEW = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300"><rect width="400" height="300" fill="#e4e4e7"/>' +
    '<text x="200" y="145" text-anchor="middle" font-family="system-ui,sans-serif" font-size="28" fill="#3f3f46">No preview</text>' +
    '<text x="200" y="185" text-anchor="middle" font-family="system-ui,sans-serif" font-size="18" fill="#52525b">Open it to see more</text></svg>',
)}`;

/**
 * What an <img> of a photo says before it loads anything: its alt text, its displayed width and
 * height when known (the layout does not jump), and its placeholder (a data: URL of at most 1 KB)
 * as its background. A grid tile far from the screen stays like this until it comes near.
 */
export function describePhotoImage(image: HTMLImageElement, photo: GalleryPhoto): void {
  image.alt = photo.title;
  image.decoding = 'async';
  // An <img> shows one photo after another (the photo view): nothing of the last one stays.
  image.style.removeProperty('background-image');
  if (photo.width && photo.height) {
    image.width = photo.width;
    image.height = photo.height;
  } else {
    image.removeAttribute('width');
    image.removeAttribute('height');
  }
  if (photo.placeholder?.startsWith('data:image/') && photo.placeholder.length <= 2048)
    // CSSOM, not a style attribute: the content security policy allows it.
    image.style.backgroundImage = `url("${photo.placeholder.replace(/["\\\n]/g, '')}")`;
}

/**
 * Points an <img> at a photo: the renditions as `srcset` (the browser picks the smallest that fills
 * `sizes`), else the original `url`, else (a file the browser cannot show, with no renditions)
 * the "No preview" tile; described as describePhotoImage does, the placeholder kept until the
 * image has loaded.
 */
export function showPhotoImage(image: HTMLImageElement, photo: GalleryPhoto, sizes: string): void {
  describePhotoImage(image, photo);
  const renditions = (photo.renditions ?? [])
    .filter((rendition) => isImageUrl(rendition.url) && rendition.width > 0)
    .sort((a, b) => a.width - b.width);
  if (renditions.length > 0) {
    image.srcset = renditions.map((rendition) => `${rendition.url} ${rendition.width}w`).join(', ');
    image.sizes = sizes;
    image.src = renditions[0]!.url;
  } else {
    image.removeAttribute('srcset');
    image.removeAttribute('sizes');
    if (photo.previewUnavailable) {
      // Kept as uploaded (HEIC): Safari shows the original; elsewhere the tile says there is no preview.
      image.alt = `${photo.title} (${photo.previewUnavailable})`;
      image.addEventListener('error', () => (image.src = NO_PREVIEW), { once: true });
    }
    // No renditions, and no original this caller may have: nothing to show but the tile.
    const source = isImageUrl(photo.url) ? photo.url : photo.previewUnavailable ? NO_PREVIEW : undefined;
    if (source) image.src = source;
    else image.removeAttribute('src');
  }
  if (!image.style.backgroundImage) return;
  const drop = () => image.style.removeProperty('background-image');
  if (image.complete && image.getAttribute('src')) drop();
  else image.addEventListener('load', drop, { once: true });
}
