import {
  BIDI_CONTROLS,
  CONTROL_CHARS,
  DEFAULT_MAX_UPLOAD_BYTES,
  DESCRIPTION_MAX_CHARS,
  LINE_BREAKS_AND_TABS,
  TITLE_MAX_CHARS,
  ZERO_WIDTH,
  codePoints,
  type ImageContentType,
} from '@event-photos/core/limits';

/**
 * The usual file extensions of each type the API takes, for a file the browser gives no type. Keyed
 * by ImageContentType, so tsc fails when core's IMAGE_CONTENT_TYPES changes and this does not.
 */
const EXTENSIONS: Record<ImageContentType, readonly string[]> = {
  'image/jpeg': ['jpg', 'jpeg', 'jfif'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'image/gif': ['gif'],
  'image/avif': ['avif'],
  'image/heic': ['heic'],
};
export const ACCEPTED_CONTENT_TYPES = Object.keys(EXTENSIONS) as ImageContentType[];

const TYPE_NAMES = 'JPEG, PNG, WebP, GIF, AVIF or HEIC';
const MIB = 1024 * 1024;

/** What uploadPhotos needs of a file: a Blob, with the name a File has. */
export type PhotoFile = Blob & { readonly name?: string };

export function fileNameOf(file: PhotoFile): string {
  return file.name || 'The photo';
}

/**
 * The file's image type: the browser's, or from the extension when the browser gives none
 * (some give no type for HEIC), or null when it is not one the API takes.
 */
export function contentTypeOf(file: PhotoFile): ImageContentType | null {
  const declared = file.type.toLowerCase();
  if ((ACCEPTED_CONTENT_TYPES as string[]).includes(declared)) return declared as ImageContentType;
  if (declared !== '') return null;
  const extension = /\.([a-z0-9]+)$/i.exec(file.name ?? '')?.[1]?.toLowerCase();
  return ACCEPTED_CONTENT_TYPES.find((type) => extension !== undefined && EXTENSIONS[type].includes(extension)) ?? null;
}

/** 31 MB, 2.4 MB, 812 KB: MiB and KiB, as a phone's file browser shows them. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB) {
    const mib = bytes / MIB;
    return `${mib >= 10 ? Math.round(mib) : Math.round(mib * 10) / 10} MB`;
  }
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export interface FileCheck {
  title: string;
  description?: string | undefined;
  maxBytes?: number | undefined;
}

/**
 * Why the API would refuse this file and text, in words a person understands, or null. Checked
 * before any request, so a wrong file costs no round trip.
 */
export function uploadProblem(file: PhotoFile, { title, description = '', maxBytes = DEFAULT_MAX_UPLOAD_BYTES }: FileCheck): string | null {
  const name = fileNameOf(file);
  if (contentTypeOf(file) === null) return `${name} is not a photo this app takes; use ${TYPE_NAMES}.`;
  if (file.size === 0) return `${name} is empty.`;
  if (file.size > maxBytes) return `${name} is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}.`;
  if (title.trim() === '') return `${name} needs a title.`;
  const titleLength = codePoints(title);
  if (titleLength > TITLE_MAX_CHARS) return `The title of ${name} is ${titleLength} characters long; the limit is ${TITLE_MAX_CHARS}.`;
  const descriptionLength = codePoints(description);
  if (descriptionLength > DESCRIPTION_MAX_CHARS) {
    return `The description of ${name} is ${descriptionLength} characters long; the limit is ${DESCRIPTION_MAX_CHARS}.`;
  }
  return null;
}

// What a title may not hold (core's title rules): control, bidi and zero-width characters, each replaced by a space.
const UNSAFE_IN_TITLE = new RegExp(
  [CONTROL_CHARS, LINE_BREAKS_AND_TABS, BIDI_CONTROLS, ZERO_WIDTH].map((rule) => rule.source).join('|'),
  'g',
);

/** A title from a file name: "IMG_2041.jpeg" -> "IMG_2041", what a person would type, within the limit. */
export function titleFromFileName(name: string | undefined): string {
  const base = (name ?? '')
    .replace(/\.[a-z0-9]{1,5}$/i, '')
    .replace(UNSAFE_IN_TITLE, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return [...base].slice(0, TITLE_MAX_CHARS).join('').trim() || 'Photo';
}
