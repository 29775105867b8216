import type { ImageContentType } from '#lib/limits';

// What galleries load: resized WebP copies of a photo, made by processing (the renderer of
// @event-photos/images implements PhotoRenderer). The original stays as uploaded, for download.

/** Target widths; an image is never upscaled, so a narrow one gets fewer (at least its own width). */
export const RENDITION_WIDTHS = [320, 960, 1920] as const;
export const RENDITION_CONTENT_TYPE = 'image/webp';
/** The placeholder (a tiny blurred WebP as a data: URI) never exceeds this many characters. */
export const PLACEHOLDER_MAX_CHARS = 1024;

/** One rendition, as the photo record and the API show it. */
export interface Rendition {
  width: number;
  height: number;
  contentType: typeof RENDITION_CONTENT_TYPE;
  url: string;
}

export interface RenderedRendition extends Omit<Rendition, 'url'> {
  bytes: Uint8Array;
}

/**
 * `rendered`: decoded, with displayed dimensions (EXIF orientation applied) and its renditions,
 * smallest first. `kept`: a valid file of a format this build cannot decode (HEIC): published as
 * uploaded, without renditions, `reason` saying why. `rejected`: not a valid image, `reason` for
 * the uploader.
 */
export type RenderOutcome =
  | { kind: 'rendered'; width: number; height: number; renditions: RenderedRendition[]; placeholder: string }
  | { kind: 'kept'; width?: number; height?: number; reason: string }
  | { kind: 'rejected'; reason: string };

/**
 * The file without its identifying metadata (location, serial numbers, owner, maker notes), the
 * image data byte for byte the same, and what was taken out (for the logs); or why it cannot be
 * done safely, in which case no original is published (renditions only).
 */
export type StripResult = { bytes: Uint8Array; removed: string[] } | { unsupported: string };

/** What processing does with an upload's bytes: @event-photos/images implements it on sharp. */
export interface PhotoRenderer {
  render(bytes: Uint8Array, contentType: ImageContentType): Promise<RenderOutcome>;
  /** Synchronous and pure: the containers are edited, no pixel is decoded. */
  stripIdentifyingMetadata(bytes: Uint8Array, contentType: ImageContentType): StripResult;
}

/** The widths to make for an image `width` pixels wide: the targets below it, and at most its own. */
export function renditionWidths(width: number): number[] {
  const largest = Math.min(width, RENDITION_WIDTHS.at(-1)!);
  return [...RENDITION_WIDTHS.filter((target) => target < largest), largest];
}
