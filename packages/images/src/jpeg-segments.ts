import { ascii, EXIF_HEADER, replaceExifPayload, startsWith, summarizeExif } from '#lib/exif-orientation';
import { concat, type StripResult } from '#lib/strip-result';

/**
 * JPEG: the metadata segments come before the first SOS (start of scan); the image is the rest.
 *
 * Before the first SOS every segment is walked (marker, 2-byte length that counts itself, body):
 * - kept byte for byte: SOI; APP0 JFIF (rewritten without its thumbnail, if it has one); APP2
 *   ICC_PROFILE (every chunk, in order); APP14 Adobe (its colour transform decides how CMYK/YCC is
 *   read); DQT, DHT, DAC, DRI, SOF0-SOF15 and SOS.
 * - replaced: the first APP1 Exif, by an Exif holding only IFD0's Orientation (when the original
 *   had a valid one; by nothing otherwise), at the same place. GPS, MakerNote, serial numbers,
 *   owner, artist, copyright, make and model, the IFD1 thumbnail: all gone with the rest of it.
 * - dropped: any other APP1 (XMP, extended XMP, a second Exif), APP2 other than ICC_PROFILE (MPF,
 *   FlashPix), APP0 other than JFIF (JFXX thumbnails), APP3-APP13 (APP13: Photoshop/IPTC), APP15,
 *   APP14 that is not Adobe, COM.
 * - anything else (JPG/JPGn extensions, hierarchical DHP/EXP, restart or stray markers, bytes that
 *   are not a marker, a length under 2 or running past the end): the file is `unsupported`.
 *
 * From the first SOS to EOI, the entropy-coded data is copied byte for byte. It is still walked
 * (0xFF 0x00 stuffing and RST0-7 are data; fill bytes are skipped) to find the markers between the
 * scans of a progressive or multi-scan file: tables and further SOS are kept in place, an APPn or
 * COM there is dropped like before the first scan. Everything after EOI is dropped: a trailer is
 * where phones put the MPF images (previews, HDR gain maps, each with its own Exif) and
 * motion-photo videos (with their own GPS). No EOI: `unsupported`.
 *
 * Bounded: each step moves forward, and a file with more than `MAX_SEGMENTS` length-bearing
 * segments (real files have tens: ICC profiles of up to 255 chunks, extended XMP of a few hundred
 * at 25 MiB) is `unsupported` without reading further.
 */
export const MAX_JPEG_SEGMENTS = 1024;

const JFIF = ascii('JFIF\0');
const XMP = ascii('http://ns.adobe.com/xap/1.0/\0');
const EXTENDED_XMP = ascii('http://ns.adobe.com/xmp/extension/\0');
const ICC_PROFILE = ascii('ICC_PROFILE\0');
const MPF = ascii('MPF\0');
const ADOBE = ascii('Adobe');
const PHOTOSHOP = ascii('Photoshop 3.0\0');
const EXIF = EXIF_HEADER.subarray(0, 5); // "Exif\0": the sixth byte is padding, not always 0

const SOS = 0xda;
const EOI = 0xd9;

/** Frame headers and tables, kept wherever they are: SOF0-SOF15 with DHT (C4) and DAC (CC) among them, not JPG (C8); DQT, DRI, DNL. */
function isTableOrFrame(marker: number): boolean {
  return (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc8) || marker === 0xdb || marker === 0xdd || marker === 0xdc;
}

function segment(marker: number, body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(4 + body.length);
  bytes[0] = 0xff;
  bytes[1] = marker;
  bytes[2] = (body.length + 2) >> 8;
  bytes[3] = (body.length + 2) & 0xff;
  bytes.set(body, 4);
  return bytes;
}

/** What a dropped APPn or COM was, for the logs. */
function droppedName(marker: number, body: Uint8Array): string[] {
  if (marker === 0xfe) return ['Comment'];
  if (marker === 0xe1) {
    if (startsWith(body, EXIF)) return ['Exif'];
    if (startsWith(body, XMP)) return ['XMP'];
    if (startsWith(body, EXTENDED_XMP)) return ['ExtendedXMP'];
  }
  if (marker === 0xe2 && startsWith(body, MPF)) return ['MPF'];
  if (marker === 0xe0 && startsWith(body, ascii('JFXX\0'))) return ['JFXXThumbnail'];
  if (marker === 0xed && startsWith(body, PHOTOSHOP)) return photoshopNames(body.subarray(PHOTOSHOP.length));
  if (marker === 0xeb && startsWith(body, ascii('JP'))) return ['JUMBF'];
  return [`APP${marker - 0xe0}`];
}

/** An APP13 Photoshop block: image resource blocks "8BIM", id, Pascal name padded to even, size, data padded to even. IPTC is id 0x0404. */
function photoshopNames(resources: Uint8Array): string[] {
  const names = ['Photoshop'];
  const view = new DataView(resources.buffer, resources.byteOffset, resources.byteLength);
  let at = 0;
  // At most one step a resource, each at least 12 bytes: bounded by the segment's 64 KiB.
  while (at + 12 <= resources.length && startsWith(resources, ascii('8BIM'), at)) {
    const id = view.getUint16(at + 4);
    const nameLength = resources[at + 6]!;
    const sizeAt = at + 6 + ((nameLength + 2) & ~1);
    if (sizeAt + 4 > resources.length) break;
    if (id === 0x0404) names.push('IPTC');
    const size = view.getUint32(sizeAt);
    at = sizeAt + 4 + size + (size & 1);
  }
  return names;
}

export function stripJpeg(bytes: Uint8Array): StripResult {
  if (bytes.length < 2 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return { unsupported: 'not a JPEG: no SOI marker' };
  const parts: Uint8Array[] = [bytes.subarray(0, 2)];
  const removed = new Set<string>();
  let exifReplaced = false;
  let segments = 0;
  let pos = 2;
  let copyFrom = 0;

  /** The marker at `pos` (after fill bytes) and its segment's extent, or why there is none. */
  const readSegment = (): { marker: number; start: number; body: Uint8Array; end: number } | string => {
    if (pos >= bytes.length || bytes[pos] !== 0xff) return `no marker at byte ${pos}`;
    while (pos < bytes.length && bytes[pos] === 0xff) pos++; // fill bytes
    if (pos >= bytes.length) return 'the file ends inside a marker';
    const marker = bytes[pos]!;
    const start = pos - 1;
    if (marker === EOI || marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x00)
      return `marker 0xFF${hex(marker)} where a segment must be`;
    if (++segments > MAX_JPEG_SEGMENTS) return `more than ${MAX_JPEG_SEGMENTS} segments`;
    if (pos + 3 > bytes.length) return `the segment at byte ${start} is truncated`;
    const length = (bytes[pos + 1]! << 8) | bytes[pos + 2]!;
    if (length < 2) return `the segment at byte ${start} declares a length of ${length}`;
    const end = pos + 1 + length;
    if (end > bytes.length) return `the segment at byte ${start} runs past the end of the file`;
    pos = end;
    return { marker, start, body: bytes.subarray(start + 4, end), end };
  };

  // Before the first scan: every segment is decided on.
  for (;;) {
    const read = readSegment();
    if (typeof read === 'string') return { unsupported: read };
    const { marker, start, body, end } = read;
    const whole = bytes.subarray(start, end);
    if (marker === SOS) {
      copyFrom = start; // from here on, bytes are copied as they are
      break;
    }
    if (isTableOrFrame(marker)) parts.push(whole);
    else if (marker === 0xe0 && startsWith(body, JFIF)) {
      if (body.length >= 14 && (body[12] !== 0 || body[13] !== 0)) {
        // Xthumbnail x Ythumbnail RGB pixels follow the densities: a thumbnail of the whole frame.
        const header = new Uint8Array(body.subarray(0, 14)); // a copy (Buffer#slice would not be one)
        header[12] = 0;
        header[13] = 0;
        parts.push(segment(0xe0, header));
        removed.add('JFIFThumbnail');
      } else parts.push(whole);
    } else if (marker === 0xe1 && startsWith(body, EXIF) && !exifReplaced) {
      exifReplaced = true;
      const { found, replacement } = replaceExifPayload(body, true);
      for (const name of found) removed.add(name);
      if (replacement) parts.push(segment(0xe1, replacement));
    } else if ((marker === 0xe2 && startsWith(body, ICC_PROFILE)) || (marker === 0xee && startsWith(body, ADOBE))) parts.push(whole);
    else if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) {
      if (marker === 0xe1 && startsWith(body, EXIF))
        for (const name of summarizeExif(body.subarray(EXIF_HEADER.length))?.found ?? []) removed.add(name);
      for (const name of droppedName(marker, body)) removed.add(name);
    } else return { unsupported: `marker 0xFF${hex(marker)} before the first scan` };
  }

  // From the first SOS (its header read, `pos` at its end): entropy-coded data, copied as it is,
  // with the markers between scans.
  for (;;) {
    const next = bytes.indexOf(0xff, pos);
    if (next < 0 || next + 1 >= bytes.length) return { unsupported: 'the image data has no end (no EOI marker)' };
    const marker = bytes[next + 1]!;
    if (marker === 0x00 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0xff) {
      pos = next + 1; // stuffed 0xFF, restart marker or a fill byte: data
      continue;
    }
    if (marker === EOI) {
      parts.push(bytes.subarray(copyFrom, next + 2));
      if (next + 2 < bytes.length) removed.add('TrailingData');
      break;
    }
    pos = next;
    const read = readSegment();
    if (typeof read === 'string') return { unsupported: read };
    if (read.marker === SOS || isTableOrFrame(read.marker)) continue;
    if ((read.marker >= 0xe0 && read.marker <= 0xef) || read.marker === 0xfe) {
      parts.push(bytes.subarray(copyFrom, read.start));
      copyFrom = read.end;
      for (const name of droppedName(read.marker, read.body)) removed.add(name);
      continue;
    }
    return { unsupported: `marker 0xFF${hex(read.marker)} between scans` };
  }
  return { bytes: concat(parts), removed: [...removed] };
}

const hex = (byte: number) => byte.toString(16).toUpperCase().padStart(2, '0');
