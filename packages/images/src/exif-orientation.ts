/**
 * The one thing kept from an Exif block: its Orientation. Reads a TIFF structure (what an Exif
 * block is, after JPEG's "Exif\0\0" header) far enough to find IFD0's Orientation and to name, for
 * the logs, the identifying tags the block held; writes the smallest Exif that keeps the
 * orientation: a TIFF header and an IFD0 of one entry (26 bytes).
 *
 * Reading is lenient as decoders are (libexif, browsers): an entry that does not fit in the block is
 * not read, an unreadable header means no orientation. Every walk is bounded by the block's length:
 * only IFD0, the Exif IFD it points to and IFD1's presence are looked at, never a chain.
 */

/** "Exif\0\0": what precedes the TIFF structure in a JPEG APP1 segment (and, by some writers, in PNG's eXIf and WebP's EXIF). */
export const EXIF_HEADER = Uint8Array.of(0x45, 0x78, 0x69, 0x66, 0x00, 0x00);

export interface ExifSummary {
  /** IFD0's Orientation, when it is a valid one (1 to 8). */
  orientation?: number;
  /** The byte order of the original ('II' little-endian, 'MM' big-endian); the minimal Exif keeps it. */
  littleEndian: boolean;
  /** Identifying things the block held, for the logs: 'GPS', 'Make', 'BodySerialNumber', 'MakerNote', 'Thumbnail'... */
  found: string[];
}

const ORIENTATION = 0x0112;
const EXIF_IFD_POINTER = 0x8769;
const GPS_IFD_POINTER = 0x8825;
const TYPE_SHORT = 3;

/** IFD0 tags worth naming in the logs (all of IFD0 but Orientation goes). */
const IFD0_NAMES = new Map<number, string>([
  [0x010e, 'ImageDescription'],
  [0x010f, 'Make'],
  [0x0110, 'Model'],
  [0x0131, 'Software'],
  [0x013b, 'Artist'],
  [0x013c, 'HostComputer'],
  [0x8298, 'Copyright'],
  [0x9c9b, 'XPTitle'],
  [0x9c9c, 'XPComment'],
  [0x9c9d, 'XPAuthor'],
  [0xc62f, 'CameraSerialNumber'],
  [GPS_IFD_POINTER, 'GPS'],
]);

/** Exif IFD tags worth naming in the logs. */
const EXIF_IFD_NAMES = new Map<number, string>([
  [0x9286, 'UserComment'],
  [0x927c, 'MakerNote'],
  [0xa420, 'ImageUniqueID'],
  [0xa430, 'CameraOwnerName'],
  [0xa431, 'BodySerialNumber'],
  [0xa433, 'LensMake'],
  [0xa434, 'LensModel'],
  [0xa435, 'LensSerialNumber'],
]);

interface Tiff {
  bytes: Uint8Array;
  view: DataView;
  littleEndian: boolean;
}

function tiffOf(bytes: Uint8Array): Tiff | undefined {
  if (bytes.length < 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return undefined;
  const littleEndian = order === 0x4949;
  if (view.getUint16(2, littleEndian) !== 42) return undefined;
  return { bytes, view, littleEndian };
}

interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** Offset of the entry's 4-byte value field (the value itself when it fits, else an offset to it). */
  valueAt: number;
}

/** The entries of the IFD at `offset` that fit in the block, and the offset of the next IFD (0: none, or unreadable). */
function readIfd(tiff: Tiff, offset: number): { entries: IfdEntry[]; next: number } {
  const { view, littleEndian } = tiff;
  if (offset < 8 || offset + 2 > view.byteLength) return { entries: [], next: 0 };
  const declared = view.getUint16(offset, littleEndian);
  const fitting = Math.min(declared, Math.floor((view.byteLength - offset - 2) / 12));
  const entries: IfdEntry[] = [];
  for (let index = 0; index < fitting; index++) {
    const at = offset + 2 + index * 12;
    entries.push({
      tag: view.getUint16(at, littleEndian),
      type: view.getUint16(at + 2, littleEndian),
      count: view.getUint32(at + 4, littleEndian),
      valueAt: at + 8,
    });
  }
  const nextAt = offset + 2 + declared * 12;
  const next = fitting === declared && nextAt + 4 <= view.byteLength ? view.getUint32(nextAt, littleEndian) : 0;
  return { entries, next };
}

/**
 * What an Exif block (a TIFF structure, without "Exif\0\0") holds that matters here. `undefined`
 * when it is not a TIFF structure at all: no orientation can be read from it.
 */
export function summarizeExif(tiffBytes: Uint8Array): ExifSummary | undefined {
  const tiff = tiffOf(tiffBytes);
  if (!tiff) return undefined;
  const { view, littleEndian } = tiff;
  const found: string[] = [];
  let orientation: number | undefined;
  const ifd0 = readIfd(tiff, view.getUint32(4, littleEndian));
  for (const entry of ifd0.entries) {
    if (entry.tag === ORIENTATION && entry.type === TYPE_SHORT && entry.count >= 1) {
      const value = view.getUint16(entry.valueAt, littleEndian);
      if (value >= 1 && value <= 8 && orientation === undefined) orientation = value;
    } else if (entry.tag === EXIF_IFD_POINTER) {
      for (const exifEntry of readIfd(tiff, view.getUint32(entry.valueAt, littleEndian)).entries) {
        const name = EXIF_IFD_NAMES.get(exifEntry.tag);
        if (name) found.push(name);
      }
    } else {
      const name = IFD0_NAMES.get(entry.tag);
      if (name) found.push(name);
    }
  }
  // IFD1 is the thumbnail's: a small JPEG of the whole, un-edited frame.
  if (ifd0.next !== 0) found.push('Thumbnail');
  return orientation === undefined ? { littleEndian, found } : { orientation, littleEndian, found };
}

/** A TIFF structure holding only IFD0 with Orientation (26 bytes), in the byte order asked for. */
export function orientationOnlyTiff(orientation: number, littleEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(26);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, littleEndian ? 0x4949 : 0x4d4d);
  view.setUint16(2, 42, littleEndian);
  view.setUint32(4, 8, littleEndian); // IFD0 right after the header
  view.setUint16(8, 1, littleEndian); // one entry
  view.setUint16(10, ORIENTATION, littleEndian);
  view.setUint16(12, TYPE_SHORT, littleEndian);
  view.setUint32(14, 1, littleEndian); // count
  view.setUint16(18, orientation, littleEndian); // value, left-justified in the 4-byte field
  view.setUint32(22, 0, littleEndian); // no IFD1
  return bytes;
}

/** Whether `bytes` starts with `prefix`. */
export function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let index = 0; index < prefix.length; index++) if (bytes[at + index] !== prefix[index]) return false;
  return true;
}

/** ASCII text as bytes (signatures, four-character codes). */
export const ascii = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));

/**
 * The replacement for an Exif block: a JPEG APP1 body ("Exif\0\0" and a TIFF structure), or a PNG
 * eXIf or WebP EXIF payload, a TIFF structure that some writers (libvips among them, in WebP) start
 * with "Exif\0\0" too: what the original held and, when it had an orientation, the
 * orientation-only block in the same convention.
 */
export function replaceExifPayload(payload: Uint8Array, prefixed = startsWith(payload, EXIF_HEADER)): ExifReplacement {
  const summary = summarizeExif(prefixed ? payload.subarray(EXIF_HEADER.length) : payload);
  if (summary?.orientation === undefined) return { found: ['Exif', ...(summary?.found ?? [])] };
  const tiff = orientationOnlyTiff(summary.orientation, summary.littleEndian);
  let replacement = tiff;
  if (prefixed) {
    replacement = new Uint8Array(EXIF_HEADER.length + tiff.length);
    replacement.set(EXIF_HEADER);
    replacement.set(tiff, EXIF_HEADER.length);
  }
  // A block that is already the minimal one (a stripped file, stripped again) removes nothing.
  const unchanged = replacement.length === payload.length && startsWith(payload, replacement);
  return { found: unchanged ? [] : ['Exif', ...summary.found], replacement };
}

export interface ExifReplacement {
  /** What the block held, for the logs: 'Exif' (the block itself) and the identifying tags in it; empty when it was already minimal. */
  found: string[];
  /** What to write in its place: only when it had a valid orientation. */
  replacement?: Uint8Array;
}
