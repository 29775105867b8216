import { constants, deflateRawSync } from 'node:zlib';
import sharp from 'sharp';
import type { ImageContentType } from '@event-photos/core';
import { heicFixture } from '#lib/heic-fixture';
import { PNG_SIGNATURE, pngChunk } from '#lib/png-chunks';

/**
 * Uploads made to cost processing as much as possible while staying small: each is a valid file
 * (or valid up to the lie it tells) that the type sniffing accepts. Built in code, deterministic
 * and quick to make, so the tests and the bench (packages/images, "Decode budget") use the same
 * bytes. None of them is ever decoded here.
 */
export interface HostileImage {
  name: string;
  contentType: ImageContentType;
  /** What the file claims and what decoding it would cost. */
  what: string;
  bytes: Uint8Array;
}

/** The corpus of the decode budget's tests and bench, quick to make (about two seconds together, most of it the AVIF). */
export async function hostileImages(): Promise<HostileImage[]> {
  return [
    {
      name: 'gif-10000x9999',
      contentType: 'image/gif',
      what: 'one 10000x9999 frame of one colour (LZW): 400 MB as RGBA',
      bytes: gifScreenBomb(),
    },
    {
      name: 'gif-20000-frames',
      contentType: 'image/gif',
      what: '20,000 frames on a 1000x1000 canvas: 20 gigapixels in all',
      bytes: gifManyFrames(),
    },
    {
      name: 'png-100mp-rgba16',
      contentType: 'image/png',
      what: '10000x10000 16-bit RGBA: 800 MB of samples',
      bytes: png16BitRgbaBomb(),
    },
    {
      name: 'png-100mp-rgba16-interlaced',
      contentType: 'image/png',
      what: 'the same, interlaced (Adam7): decoders hold the whole image',
      bytes: png16BitRgbaBomb(10_000, { interlaced: true }),
    },
    {
      name: 'png-ztxt-bomb',
      contentType: 'image/png',
      what: 'a 64x64 PNG with 300 zTXt chunks inflating to 49 MiB each (libpng allows 50 MiB a chunk)',
      bytes: pngZtxtBomb(),
    },
    {
      name: 'png-iccp-bomb',
      contentType: 'image/png',
      what: 'a 64x64 PNG whose iCCP profile declares and inflates to 1 GiB',
      bytes: pngIccpBomb(),
    },
    {
      name: 'avif-lying-size',
      contentType: 'image/avif',
      what: 'ispe says 256x256, the AV1 data is 4096x4096',
      bytes: await avifLyingSize(),
    },
    {
      name: 'heic-lying-size',
      contentType: 'image/heic',
      what: 'ispe says 4032x3024, the HEVC sequence parameter set 16384x16384',
      bytes: heicLyingSize(),
    },
  ];
}

// GIF ------------------------------------------------------------------------------------------

const GIF_MIN_CODE_SIZE = 2; // a 4-colour palette

/**
 * A GIF declaring 10000x9999 pixels with one full frame of one colour: LZW codes a run of n
 * pixels with one code once it has seen runs up to n - 1, so 100 megapixels take ~50,000 codes.
 */
export function gifScreenBomb(width = 10_000, height = 9_999): Buffer {
  return gif(width, height, [{ left: 0, top: 0, width, height }]);
}

/** `frames` 1x1 frames on a `side` x `side` canvas: each costs a whole canvas to show. */
export function gifManyFrames(frames = 20_000, side = 1000): Buffer {
  return gif(
    side,
    side,
    Array.from({ length: frames }, (_, index) => ({ left: index % side, top: Math.floor(index / side) % side, width: 1, height: 1 })),
  );
}

interface GifFrame {
  left: number;
  top: number;
  width: number;
  height: number;
}

function gif(width: number, height: number, frames: GifFrame[]): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  screen[4] = 0x80 | (GIF_MIN_CODE_SIZE - 1); // global colour table of 2^(n+1) entries
  const palette = Buffer.from([0, 0, 0, 255, 255, 255, 200, 30, 30, 30, 30, 200]);
  const parts: Buffer[] = [Buffer.from('GIF89a', 'ascii'), screen, palette];
  if (frames.length > 1) {
    // NETSCAPE2.0: loop forever.
    parts.push(Buffer.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0', 'ascii'), 0x03, 0x01, 0x00, 0x00, 0x00]));
  }
  frames.forEach((frame, index) => {
    // Graphic control: 10 ms a frame, do not dispose.
    parts.push(Buffer.from([0x21, 0xf9, 0x04, 0x04, 0x01, 0x00, 0x00, 0x00]));
    const descriptor = Buffer.alloc(10);
    descriptor[0] = 0x2c;
    descriptor.writeUInt16LE(frame.left, 1);
    descriptor.writeUInt16LE(frame.top, 3);
    descriptor.writeUInt16LE(frame.width, 5);
    descriptor.writeUInt16LE(frame.height, 7);
    parts.push(descriptor, Buffer.from([GIF_MIN_CODE_SIZE]), subBlocks(lzwOneColour((index % 3) + 1, frame.width * frame.height)));
  });
  parts.push(Buffer.from([0x3b]));
  return Buffer.concat(parts);
}

/**
 * The LZW codes a GIF encoder writes for `count` pixels of one colour, without visiting each
 * pixel: after a clear, the k-th code covers a run of k pixels (the table's newest entry), and
 * the table is cleared when full (4096 codes), as encoders do.
 */
function lzwOneColour(colour: number, count: number): Buffer {
  const clear = 1 << GIF_MIN_CODE_SIZE;
  const end = clear + 1;
  const bits = new LsbBitWriter();
  let codeSize = GIF_MIN_CODE_SIZE + 1;
  let next = end + 1;
  let longest = 1;
  bits.write(clear, codeSize);
  for (let remaining = count; remaining > 0; ) {
    const run = Math.min(longest, remaining);
    bits.write(run === 1 ? colour : end + run - 1, codeSize);
    remaining -= run;
    if (remaining === 0) break;
    if (next === 4096) {
      bits.write(clear, codeSize);
      next = end + 1;
      codeSize = GIF_MIN_CODE_SIZE + 1;
      longest = 1;
    } else {
      if (next >= 1 << codeSize) codeSize++;
      next++;
      longest++;
    }
  }
  bits.write(end, codeSize);
  return bits.bytes();
}

class LsbBitWriter {
  #out: number[] = [];
  #value = 0;
  #count = 0;

  write(code: number, size: number): void {
    this.#value |= code << this.#count;
    this.#count += size;
    while (this.#count >= 8) {
      this.#out.push(this.#value & 0xff);
      this.#value >>>= 8;
      this.#count -= 8;
    }
  }

  bytes(): Buffer {
    return Buffer.from(this.#count > 0 ? [...this.#out, this.#value & 0xff] : this.#out);
  }
}

/** GIF data sub-blocks: up to 255 bytes each, a length byte before each, a zero length after. */
function subBlocks(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += 255) {
    const block = data.subarray(offset, offset + 255);
    parts.push(Buffer.from([block.length]), block);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

// PNG ------------------------------------------------------------------------------------------

/**
 * `side` x `side` 16-bit RGBA (transparent black): 800 MB of samples in ~0.8 MB at 10000. Interlaced
 * (Adam7), the pixels come in seven passes, so a decoder holds the whole image before any row is done.
 */
export function png16BitRgbaBomb(side = 10_000, { interlaced = false } = {}): Buffer {
  const rowBytes = (width: number) => (width > 0 ? 1 + width * 8 : 0); // a filter byte, then 8 bytes a pixel
  const passes = interlaced ? ADAM7 : [[0, 0, 1, 1] as const];
  const raw = passes.reduce((sum, [x, y, dx, dy]) => sum + Math.ceil((side - y) / dy) * rowBytes(Math.ceil((side - x) / dx)), 0);
  return pngOf(side, side, { bitDepth: 16, colourType: 6, interlaced }, [], zlibZeros(raw));
}

/** Adam7 passes: first column and row, column and row steps. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/**
 * A 64x64 PNG carrying `chunks` zTXt chunks, each inflating to `inflatedBytes` of zeros (a text
 * chunk is metadata: readers inflate it before the first pixel).
 */
export function pngZtxtBomb(chunks = 300, inflatedBytes = 49 * 2 ** 20): Buffer {
  const text = Buffer.concat([Buffer.from('Comment\0', 'latin1'), Buffer.from([0]), zlibZeros(inflatedBytes)]);
  return smallPngWith(Array.from({ length: chunks }, () => pngChunk('zTXt', text)));
}

/**
 * A 64x64 PNG whose iCCP profile inflates to `inflatedBytes`: an ICC header that declares that
 * length, then zeros.
 */
export function pngIccpBomb(inflatedBytes = 2 ** 30): Buffer {
  const header = Buffer.alloc(132);
  header.writeUInt32BE(inflatedBytes, 0); // profile size
  header.write('acsp', 36, 'latin1'); // signature
  header.write('mntr', 12, 'latin1');
  header.write('RGB ', 16, 'latin1');
  header.write('XYZ ', 20, 'latin1');
  header.writeUInt8(4, 8); // version 4
  const profile = zlibOf(header, inflatedBytes - header.length);
  return smallPngWith([pngChunk('iCCP', Buffer.concat([Buffer.from('bomb\0', 'latin1'), Buffer.from([0]), profile]))]);
}

function smallPngWith(ancillary: Buffer[]): Buffer {
  const side = 64;
  return pngOf(side, side, { bitDepth: 8, colourType: 2 }, ancillary, zlibZeros(side * (1 + side * 3)));
}

interface PngFormat {
  bitDepth: number;
  colourType: number;
  interlaced?: boolean;
}

function pngOf(width: number, height: number, format: PngFormat, ancillary: Buffer[], idat: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = format.bitDepth;
  header[9] = format.colourType;
  header[12] = format.interlaced ? 1 : 0;
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', header), ...ancillary, pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

const ZERO_BLOCK = 1 << 20;
let zeroBlockDeflated: Buffer | undefined;

/**
 * A zlib stream of `count` zeros, made without deflating them all: one MiB of zeros deflated with
 * a full flush (byte-aligned, referring to nothing before it) is repeated, the rest deflated once.
 */
export function zlibZeros(count: number): Buffer {
  return zlibOf(Buffer.alloc(0), count);
}

/** A zlib stream of `prefix` then `zeros` zero bytes. */
function zlibOf(prefix: Buffer, zeros: number): Buffer {
  zeroBlockDeflated ??= deflateRawSync(Buffer.alloc(ZERO_BLOCK), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const whole = Math.floor(zeros / ZERO_BLOCK);
  const rest = Buffer.alloc(zeros % ZERO_BLOCK);
  const parts: Buffer[] = [Buffer.from([0x78, 0xda]), deflateRawSync(prefix, { level: 9, finishFlush: constants.Z_FULL_FLUSH })];
  for (let i = 0; i < whole; i++) parts.push(zeroBlockDeflated);
  parts.push(deflateRawSync(rest, { level: 9, finishFlush: constants.Z_FULL_FLUSH }), Buffer.from([0x03, 0x00])); // final empty block
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(adler32Then(prefix, zeros));
  parts.push(adler);
  return Buffer.concat(parts);
}

/** Adler-32 of `prefix` followed by `zeros` zero bytes (zeros leave a alone and add a to b each). */
function adler32Then(prefix: Buffer, zeros: number): number {
  const MOD = 65_521;
  let a = 1;
  let b = 0;
  for (const byte of prefix) {
    a = (a + byte) % MOD;
    b = (b + a) % MOD;
  }
  b = (b + (((zeros % MOD) * a) % MOD)) % MOD;
  return ((b << 16) | a) >>> 0;
}

// HEIF -----------------------------------------------------------------------------------------

/**
 * A real AVIF (AV1 encoded by sharp) of `actual` x `actual` pixels whose `ispe` property (the
 * size the container declares, what a header read reports) is patched to `declared`.
 */
export async function avifLyingSize(declared = 256, actual = 4096): Promise<Buffer> {
  const avif = await avifFlat(actual);
  const ispe = avif.indexOf('ispe', 0, 'latin1');
  if (ispe < 0) throw new Error('avifLyingSize: no ispe box');
  // Box type, then version and flags (4 bytes), then width and height.
  avif.writeUInt32BE(declared, ispe + 8);
  avif.writeUInt32BE(declared, ispe + 12);
  return avif;
}

/** An honest AVIF of one colour: tiny at any size (8192 takes seconds to encode, 4096 a fraction of one). */
export function avifFlat(side: number, bitdepth: 8 | 10 = 8): Promise<Buffer> {
  return sharp({ create: { width: side, height: side, channels: 3, background: '#336699' } })
    .avif({ effort: 0, quality: 30, bitdepth })
    .toBuffer();
}

/**
 * A HEIC (heicFixture's) whose container declares `declared` pixels while the HEVC sequence
 * parameter set in its `hvcC` codes `coded` x `coded`: the SPS is inserted as the record's one
 * NAL array, and the boxes around it and the item's data offset move to make room.
 */
export function heicLyingSize(declared: readonly [number, number] = [4032, 3024], coded = 16_384): Buffer {
  const heic = Buffer.from(heicFixture(...declared));
  const sps = hevcSps(coded, coded);
  const array = Buffer.alloc(5);
  array[0] = 0x80 | 33; // array_completeness, NAL type 33 (SPS)
  array.writeUInt16BE(1, 1); // one NAL unit
  array.writeUInt16BE(sps.length, 3);
  const insert = Buffer.concat([array, sps]);
  const meta = childBox(heic, 'meta', 0, heic.length);
  const iloc = childBox(heic, 'iloc', meta.start + 12, meta.end);
  const iprp = childBox(heic, 'iprp', meta.start + 12, meta.end);
  const ipco = childBox(heic, 'ipco', iprp.start + 8, iprp.end);
  const hvcC = childBox(heic, 'hvcC', ipco.start + 8, ipco.end);
  if (heic[hvcC.end - 1] !== 0) throw new Error('heicLyingSize: expected an hvcC with no NAL arrays');
  heic[hvcC.end - 1] = 1; // numOfArrays
  for (const box of [meta, iprp, ipco, hvcC]) heic.writeUInt32BE(heic.readUInt32BE(box.start) + insert.length, box.start);
  // iloc v0, 4-byte offsets and lengths, one item with one extent: its offset follows 10 bytes of counts and ids.
  const extentOffset = iloc.start + 22;
  heic.writeUInt32BE(heic.readUInt32BE(extentOffset) + insert.length, extentOffset);
  return Buffer.concat([heic.subarray(0, hvcC.end), insert, heic.subarray(hvcC.end)]);
}

function childBox(file: Buffer, type: string, start: number, end: number): { start: number; end: number } {
  for (let offset = start; offset + 8 <= end; offset += file.readUInt32BE(offset)) {
    if (file.toString('latin1', offset + 4, offset + 8) === type) return { start: offset, end: offset + file.readUInt32BE(offset) };
  }
  throw new Error(`no ${type} box`);
}

/** An HEVC sequence parameter set NAL unit (Main profile, 4:2:0, 8-bit) coding `width` x `height`. */
function hevcSps(width: number, height: number): Buffer {
  const bits = new MsbBitWriter();
  bits.u(4, 0).u(3, 0).u(1, 1); // VPS id, max sub-layers - 1, temporal id nesting
  // profile_tier_level: Main, level 6.2; progressive, frame-only; 43 reserved bits and one more.
  bits.u(2, 0).u(1, 0).u(5, 1).u(32, 0x60000000).u(4, 0b1001).u(32, 0).u(12, 0).u(8, 186);
  bits.ue(0).ue(1).ue(width).ue(height).u(1, 0); // SPS id, chroma 4:2:0, size, no conformance window
  bits.ue(0).ue(0).ue(4).u(1, 1).ue(0).ue(0).ue(0); // bit depths, POC bits, sub-layer ordering
  bits.ue(0).ue(3).ue(0).ue(3).ue(0).ue(0); // coding and transform block sizes and depths
  bits.u(1, 0).u(1, 0).u(1, 0).u(1, 0).ue(0).u(1, 0).u(1, 0).u(1, 0).u(1, 0).u(1, 0); // tools off, no VUI, no extension
  bits.u(1, 1); // rbsp_stop_one_bit
  const rbsp = bits.bytes();
  // Emulation prevention: no 00 00 followed by 00..03 inside a NAL unit.
  const out = [0x42, 0x01]; // NAL header: type 33, layer 0, temporal id 1
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

class MsbBitWriter {
  #bits: number[] = [];

  u(count: number, value: number): this {
    for (let bit = count - 1; bit >= 0; bit--) this.#bits.push(Math.floor(value / 2 ** bit) % 2);
    return this;
  }

  /** Exp-Golomb: as many zeros as value + 1 has bits after its first, then value + 1. */
  ue(value: number): this {
    const length = Math.floor(Math.log2(value + 1));
    return this.u(length, 0).u(length + 1, value + 1);
  }

  bytes(): Buffer {
    const out = Buffer.alloc(Math.ceil(this.#bits.length / 8));
    this.#bits.forEach((bit, index) => {
      out[index >> 3]! |= bit << (7 - (index & 7));
    });
    return out;
  }
}
