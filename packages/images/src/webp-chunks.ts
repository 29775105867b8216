import { replaceExifPayload } from '#lib/exif-orientation';
import { concat, type StripResult } from '#lib/strip-result';

/**
 * WebP: a RIFF container ("RIFF", 4-byte little-endian size of what follows, "WEBP"), then chunks
 * (four-character code, 4-byte LE size, data, a pad byte when the size is odd).
 *
 * - kept byte for byte: VP8X (its flags then corrected), ICCP, ANIM, ANMF, ALPH, VP8, VP8L.
 * - replaced: the first EXIF chunk, by one holding only Orientation (when the original had a valid
 *   one; by nothing otherwise), at the same place, in the original's convention (libvips writes
 *   "Exif\0\0" before the TIFF structure, the spec does not). Only with a VP8X chunk: without one
 *   decoders do not read metadata, so there is no orientation to keep.
 * - dropped: "XMP ", further EXIF chunks, unknown chunks, bytes after the RIFF size.
 * - fixed: the VP8X flags (EXIF bit set only if the minimal EXIF is there, XMP bit cleared) and
 *   the RIFF size.
 * - `unsupported`: no RIFF/WEBP header, a RIFF size past the end of the file, a chunk running past
 *   the RIFF size, a frame (ANMF) holding anything but ALPH, VP8 and VP8L, or more than
 *   `MAX_WEBP_CHUNKS` chunks, frames' included.
 */
export const MAX_WEBP_CHUNKS = 10_000; // the decode budget allows 1000 frames: an ANMF and up to two chunks in it each

const KEPT = new Set(['VP8X', 'ICCP', 'ANIM', 'ANMF', 'ALPH', 'VP8 ', 'VP8L']);
const FRAME_CHUNKS = new Set(['ALPH', 'VP8 ', 'VP8L']);
const ANMF_HEADER = 16; // X, Y (3 bytes each), width - 1, height - 1 (3 each), duration (3), flags (1)
const FLAG_EXIF = 0x08;
const FLAG_XMP = 0x04;

const fourCc = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
/** A four-character code fit for a log line. */
const printable = (code: string) => code.replace(/[^\x20-\x7e]/g, '?').trim();

interface Chunk {
  code: string;
  data: Uint8Array;
  /** The chunk with its header and pad byte. */
  whole: Uint8Array;
}

/** The chunks of `bytes[from, to)`, or why they cannot be read. `budget.left` bounds the count across calls. */
function readChunks(bytes: Uint8Array, from: number, to: number, budget: { left: number }): Chunk[] | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Chunk[] = [];
  for (let pos = from; pos < to; ) {
    if (--budget.left < 0) return `more than ${MAX_WEBP_CHUNKS} chunks`;
    if (pos + 8 > to) return `the chunk at byte ${pos} is truncated`;
    const size = view.getUint32(pos + 4, true);
    const end = pos + 8 + size + (size & 1);
    if (end > to) return `the chunk at byte ${pos} runs past the end of its container`;
    chunks.push({ code: fourCc(bytes, pos), data: bytes.subarray(pos + 8, pos + 8 + size), whole: bytes.subarray(pos, end) });
    pos = end;
  }
  return chunks;
}

function chunk(code: string, data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(8 + data.length + (data.length & 1));
  for (let index = 0; index < 4; index++) bytes[index] = code.charCodeAt(index);
  new DataView(bytes.buffer).setUint32(4, data.length, true);
  bytes.set(data, 8);
  return bytes;
}

export function stripWebp(bytes: Uint8Array): StripResult {
  if (bytes.length < 12 || fourCc(bytes, 0) !== 'RIFF' || fourCc(bytes, 8) !== 'WEBP')
    return { unsupported: 'not a WebP: no RIFF/WEBP header' };
  const riffEnd = 8 + new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (riffEnd > bytes.length) return { unsupported: 'the RIFF size runs past the end of the file' };
  const budget = { left: MAX_WEBP_CHUNKS };
  const chunks = readChunks(bytes, 12, riffEnd, budget);
  if (typeof chunks === 'string') return { unsupported: chunks };
  if (chunks.length === 0) return { unsupported: 'no image chunk' };
  const extended = chunks[0]!.code === 'VP8X';
  if (extended && chunks[0]!.data.length < 10) return { unsupported: 'the VP8X chunk is truncated' };

  const removed = new Set<string>();
  if (riffEnd < bytes.length) removed.add('TrailingData');
  const parts: Uint8Array[] = [bytes.subarray(0, 12)]; // its size is set in the output below
  let vp8x: Uint8Array | undefined;
  let exifReplaced = false;
  let exifKept = false;
  for (const [index, { code, data, whole }] of chunks.entries()) {
    if (code === 'VP8X') {
      if (index !== 0) return { unsupported: 'a VP8X chunk after the first chunk' };
      vp8x = new Uint8Array(whole); // a copy (Buffer#slice would not be one): its flags are fixed below
      parts.push(vp8x);
    } else if (KEPT.has(code)) {
      if (code === 'ANMF') {
        if (data.length < ANMF_HEADER) return { unsupported: 'an ANMF chunk is truncated' };
        const at = data.byteOffset - bytes.byteOffset;
        const frame = readChunks(bytes, at + ANMF_HEADER, at + data.length, budget);
        if (typeof frame === 'string') return { unsupported: frame };
        const other = frame.find((inner) => !FRAME_CHUNKS.has(inner.code));
        if (other) return { unsupported: `an animation frame holds a ${printable(other.code)} chunk` };
      }
      parts.push(whole);
    } else if (code === 'EXIF') {
      const { found, replacement } = replaceExifPayload(data);
      if (exifReplaced || !extended) removed.add('Exif'); // dropped, not replaced
      for (const name of found) removed.add(name);
      if (!exifReplaced && replacement && extended) {
        parts.push(chunk('EXIF', replacement));
        exifKept = true;
      }
      exifReplaced = true;
    } else if (code === 'XMP ') removed.add('XMP');
    else removed.add(printable(code) || 'unknown chunk');
  }
  if (vp8x) vp8x[8] = (vp8x[8]! & ~(FLAG_EXIF | FLAG_XMP)) | (exifKept ? FLAG_EXIF : 0);
  const stripped = concat(parts);
  new DataView(stripped.buffer).setUint32(4, stripped.length - 8, true);
  return { bytes: stripped, removed: [...removed] };
}
