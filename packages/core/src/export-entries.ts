import { IMAGE_CONTENT_TYPES } from '#lib/limits';
import { type EventAccess, mayDownloadPublished, maySeePhotoOf } from '#lib/members';
import { publishedObjectKey, renditionObjectKey } from '#lib/object-keys';
import type { Photo } from '#lib/photos';

// Which object of a photo goes into a caller's zip, and under which name: pure, so that the worker,
// its tests and the integration test agree on every entry.

/** One file of the zip: the object read, the name it is stored under, and its date. */
export interface ExportEntry {
  photoId: string;
  key: string;
  name: string;
  /** The published original (identifying metadata removed) or the largest rendition (WebP). */
  kind: 'original' | 'rendition';
  /** When the photo became ready: the entry's modification time. */
  modifiedAt: string;
}

/**
 * The object of `photo` the caller gets: the published original when they may download it and one
 * is published (`url`), else its largest rendition; `noFile` when neither (a HEIC kept without
 * renditions whose original is withheld), `hidden` when the caller may not see the photo at all.
 */
export type ExportChoice =
  | { include: true; kind: ExportEntry['kind']; key: string; extension: string }
  | { include: false; reason: 'hidden' | 'noFile' };

export function chooseExportObject(photo: Photo, access: EventAccess, callerId: string): ExportChoice {
  if (!maySeePhotoOf(access, callerId, photo.uploaderId)) return { include: false, reason: 'hidden' };
  const { eventId, photoId, contentType } = photo;
  if (photo.url !== undefined && mayDownloadPublished(access, callerId, photo.uploaderId)) {
    return {
      include: true,
      kind: 'original',
      key: publishedObjectKey(eventId, photoId, contentType),
      extension: IMAGE_CONTENT_TYPES[contentType],
    };
  }
  const largest = photo.renditions?.at(-1);
  if (largest) return { include: true, kind: 'rendition', key: renditionObjectKey(eventId, photoId, largest.width), extension: 'webp' };
  return { include: false, reason: 'noFile' };
}

/** A name's stem (before ` (id).ext`) is cut to this many UTF-8 bytes: whole names stay far under the 255 bytes file systems allow. */
export const FILE_STEM_MAX_BYTES = 120;

// What a file name must not hold, whatever the title: control characters (C0, DEL, C1), line and
// paragraph separators, bidi controls (a right-to-left override can make `gpj.exe` read as
// `exe.jpg`), invisible characters, and what Windows, macOS or a zip reader take for a path
// (`/ \ :`) or refuse (`* ? " < > |`). Titles are checked on the way in; older records and event
// names may still hold any of these.
const INVISIBLE = /[\p{Cc}\u2028\u2029\u200b\u200e\u200f\u061c\u202a-\u202e\u2060-\u2069\ufeff]/gu;
const RESERVED = /[/\\:*?"<>|]/g;
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const encoder = new TextEncoder();

/**
 * `text` as a file name's stem: NFC, without what a file name must not hold (reserved characters
 * become `_`), spaces collapsed, no leading or trailing dots or spaces (hidden files, `..`, Windows),
 * cut at a character boundary (an emoji or accented letter is kept whole) to `maxBytes` of UTF-8.
 * Empty when nothing is left.
 */
export function safeFileStem(text: string, maxBytes = FILE_STEM_MAX_BYTES): string {
  const cleaned = text
    .replace(LONE_SURROGATES, '')
    .normalize('NFC')
    .replace(INVISIBLE, ' ')
    .replace(RESERVED, '_')
    .replace(/\s+/gu, ' ')
    .replace(/^[\s.]+|[\s.]+$/gu, '');
  let stem = '';
  let bytes = 0;
  for (const { segment } of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(cleaned)) {
    bytes += encoder.encode(segment).length;
    if (bytes > maxBytes) break;
    stem += segment;
  }
  return stem.replace(/[\s.]+$/u, '');
}

/**
 * The name of a photo's file: its title and the end of its id (the random part of a UUIDv7, so
 * that photos titled alike differ), then its extension: `Keynote (b302099a).jpg`. A photo with no
 * usable title is `photo (b302099a).jpg`.
 */
export function exportEntryName(photo: Pick<Photo, 'title' | 'photoId'>, extension: string): string {
  return `${safeFileStem(photo.title) || 'photo'} (${photo.photoId.slice(-8)}).${extension}`;
}

/**
 * Hands out unique names within one zip: a name already given (compared as file systems that
 * ignore case and Unicode normalisation do) gets ` (2)`, ` (3)`... before its extension.
 */
export class ExportNames {
  private readonly taken = new Set<string>();

  unique(name: string): string {
    const dot = name.lastIndexOf('.');
    const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? name : `${stem} (${n})${extension}`;
      const folded = candidate.normalize('NFC').toLowerCase();
      if (!this.taken.has(folded)) {
        this.taken.add(folded);
        return candidate;
      }
    }
  }
}

/** The zip entry of `photo` for the caller (chooseExportObject, with a unique name from `names`), or why there is none. */
export function exportEntryOf(
  photo: Photo,
  access: EventAccess,
  callerId: string,
  names: ExportNames,
): ExportEntry | { skipped: 'hidden' | 'noFile' } {
  const choice = chooseExportObject(photo, access, callerId);
  if (!choice.include) return { skipped: choice.reason };
  return {
    photoId: photo.photoId,
    key: choice.key,
    name: names.unique(exportEntryName(photo, choice.extension)),
    kind: choice.kind,
    modifiedAt: photo.createdAt,
  };
}
