import { crc32 } from 'node:zlib';
import { ascii, replaceExifPayload, startsWith } from '#lib/exif-orientation';
import { concat, type StripResult } from '#lib/strip-result';

/**
 * PNG: a signature, then chunks (4-byte length, 4-letter type, data, CRC-32 of type and data).
 *
 * - kept byte for byte (same chunk boundaries, same CRCs, same order): IHDR, PLTE, tRNS, IDAT,
 *   IEND; the colour chunks iCCP, sRGB, gAMA, cHRM, sBIT, cICP, mDCV, cLLI; pHYs, bKGD; APNG's
 *   acTL, fcTL, fdAT.
 * - replaced: the first eXIf, by an eXIf holding only Orientation (when the original had a valid
 *   one; by nothing otherwise), at the same place, with its own CRC.
 * - dropped: tEXt, zTXt, iTXt (XMP, author, ImageMagick's "Raw profile type exif/iptc"), tIME,
 *   further eXIf, every other ancillary chunk (lower-case first letter: iDOT, caBX (C2PA), sPLT,
 *   hIST, oFFs...) and anything after IEND.
 * - `unsupported`: no signature, a first chunk other than IHDR, an unknown critical chunk (a decoder
 *   would refuse it too), a type that is not four letters, a length over 2^31 - 1 (the spec's
 *   limit) or running past the end, no IEND, or more than `MAX_PNG_CHUNKS` chunks.
 *
 * CRCs are not checked: the kept chunks are copied as they are and the decoder judges them.
 */
export const MAX_PNG_CHUNKS = 100_000; // 25 MiB in IDATs of 256 bytes; encoders write 8 KiB or more

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const KEPT = new Set([
  'IHDR',
  'PLTE',
  'tRNS',
  'IDAT',
  'IEND',
  'iCCP',
  'sRGB',
  'gAMA',
  'cHRM',
  'sBIT',
  'cICP',
  'mDCV',
  'cLLI',
  'pHYs',
  'bKGD',
  'acTL',
  'fcTL',
  'fdAT',
]);
const TEXT = new Set(['tEXt', 'zTXt', 'iTXt']);
const XMP_KEYWORD = ascii('XML:com.adobe.xmp\0');
const RAW_PROFILE = ascii('Raw profile type ');

const isLetter = (byte: number) => (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);

function chunk(type: string, data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(12 + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, data.length);
  bytes.set(ascii(type), 4);
  bytes.set(data, 8);
  view.setUint32(8 + data.length, crc32(bytes.subarray(4, 8 + data.length)));
  return bytes;
}

/** What a text chunk held, by its keyword (Latin-1, up to 79 bytes, then NUL). */
function textName(data: Uint8Array): string {
  if (startsWith(data, XMP_KEYWORD)) return 'XMP';
  if (startsWith(data, RAW_PROFILE)) {
    // ImageMagick's hex dumps of the Exif, IPTC or XMP block.
    const kind = String.fromCharCode(...data.subarray(RAW_PROFILE.length, RAW_PROFILE.length + 4)).toLowerCase();
    if (kind === 'exif') return 'Exif';
    if (kind === 'iptc') return 'IPTC';
    if (kind.startsWith('xmp')) return 'XMP';
  }
  return 'Text';
}

/** A chunk type as the big-endian number of its four bytes: compared without making a string a chunk. */
const typeCode = (type: string) => (type.charCodeAt(0) << 24) | (type.charCodeAt(1) << 16) | (type.charCodeAt(2) << 8) | type.charCodeAt(3);
const codes = (types: Iterable<string>) => new Set([...types].map(typeCode));
const KEPT_CODES = codes(KEPT);
const TEXT_CODES = codes(TEXT);
const [IHDR, IEND, EXIF] = ['IHDR', 'IEND', 'eXIf'].map(typeCode) as [number, number, number];
const typeName = (code: number) => String.fromCharCode(code >>> 24, (code >>> 16) & 0xff, (code >>> 8) & 0xff, code & 0xff);

export function stripPng(bytes: Uint8Array): StripResult {
  if (!startsWith(bytes, SIGNATURE)) return { unsupported: 'not a PNG: no signature' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [bytes.subarray(0, SIGNATURE.length)];
  const removed = new Set<string>();
  let exifReplaced = false;
  let pos = SIGNATURE.length;
  for (let count = 1; ; count++) {
    if (count > MAX_PNG_CHUNKS) return { unsupported: `more than ${MAX_PNG_CHUNKS} chunks` };
    if (pos + 12 > bytes.length) return { unsupported: pos === bytes.length ? 'no IEND chunk' : `the chunk at byte ${pos} is truncated` };
    const length = view.getUint32(pos);
    if (length > 0x7fffffff) return { unsupported: `the chunk at byte ${pos} declares a length of ${length}, over 2^31 - 1` };
    const end = pos + 12 + length;
    if (end > bytes.length) return { unsupported: `the chunk at byte ${pos} runs past the end of the file` };
    const code = view.getInt32(pos + 4);
    if (!isLetter(bytes[pos + 4]!) || !isLetter(bytes[pos + 5]!) || !isLetter(bytes[pos + 6]!) || !isLetter(bytes[pos + 7]!))
      return { unsupported: `the chunk at byte ${pos} has no four-letter type` };
    if (count === 1 && code !== IHDR) return { unsupported: 'the first chunk is not IHDR' };
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    const start = pos;
    pos = end;
    if (KEPT_CODES.has(code)) {
      parts.push(bytes.subarray(start, end));
      if (code === IEND) {
        if (pos < bytes.length) removed.add('TrailingData');
        return { bytes: concat(parts), removed: [...removed] };
      }
    } else if (code === EXIF) {
      const { found, replacement } = replaceExifPayload(data);
      if (exifReplaced) removed.add('Exif'); // a second eXIf is dropped
      for (const name of found) removed.add(name);
      if (!exifReplaced && replacement) parts.push(chunk('eXIf', replacement));
      exifReplaced = true;
    } else if (TEXT_CODES.has(code)) removed.add(textName(data));
    else if (bytes[start + 4]! < 0x61) return { unsupported: `unknown critical chunk ${typeName(code)}` };
    else removed.add(code === typeCode('tIME') ? 'Time' : typeName(code));
  }
}
