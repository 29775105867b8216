/** Thumbnails are this many CSS pixels wide and tall in the upload list. */
const SIZE = 48;

/**
 * A small image of a picked file for its upload row: decoded and shrunk by the browser
 * (createImageBitmap, EXIF orientation applied), drawn on a square canvas, as a JPEG data: URL of
 * a few KB. A data: URL rather than an object URL of the file: the page's policy already allows
 * data: images, and the few KB are stored with the row, so a reload shows it without decoding the
 * file again. Undefined for what the browser cannot decode (HEIC outside Safari).
 */
export async function thumbnailOf(file: Blob): Promise<string | undefined> {
  if (typeof createImageBitmap !== 'function') return undefined;
  const pixels = Math.round(SIZE * Math.min(2, globalThis.devicePixelRatio || 1));
  // One decode, shrunk on the way to twice the square's width; then drawn to cover the square
  // (the middle shows). Enough pixels for any photo up to 2:1; a wider panorama is stretched a little.
  const bitmap = await createImageBitmap(file, { resizeWidth: pixels * 2, resizeQuality: 'medium' });
  const scale = pixels / Math.min(bitmap.width, bitmap.height);
  const [width, height] = [bitmap.width * scale, bitmap.height * scale];
  const canvas = document.createElement('canvas');
  canvas.width = pixels;
  canvas.height = pixels;
  canvas.getContext('2d')?.drawImage(bitmap, (pixels - width) / 2, (pixels - height) / 2, width, height);
  bitmap.close();
  return canvas.toDataURL('image/jpeg', 0.75);
}
