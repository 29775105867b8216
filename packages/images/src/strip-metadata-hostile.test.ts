import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cameraJpeg,
  cameraPng,
  jpegBody,
  jpegSegment,
  phonePhoto,
  pngChunk,
  riffChunk,
  webpChunks,
  webpOf,
} from '@event-photos/testing/camera-fixtures';
import { jpegBytes, truncatedJpeg } from '@event-photos/testing/fixtures';
import { MAX_JPEG_SEGMENTS, stripJpeg } from '#lib/jpeg-segments';
import { MAX_PNG_CHUNKS, stripPng } from '#lib/png-chunks-strip';
import type { StripResult } from '#lib/strip-result';
import { MAX_WEBP_CHUNKS, stripWebp } from '#lib/webp-chunks';

/** Milliseconds: the walks are linear and bounded; "quickly" leaves room for a busy machine. */
const QUICK_MS = 100;

const SOI = Buffer.from([0xff, 0xd8]);

/** Where the first SOS is, and the EOI after it (segments walked: an Exif thumbnail has its own SOS). */
function scanOf(jpeg: Buffer): { sos: number; eoi: number } {
  let sos = 2;
  while (jpeg[sos + 1] !== 0xda) sos += 2 + jpeg.readUInt16BE(sos + 2);
  return { sos, eoi: jpeg.indexOf(Buffer.from([0xff, 0xd9]), sos) };
}
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The format walkers themselves, without the catch-all of stripIdentifyingMetadata: they must not throw. */
const walkers = { jpeg: stripJpeg, png: stripPng, webp: stripWebp } as const;

function timed(walk: (bytes: Uint8Array) => StripResult, bytes: Uint8Array): { result: StripResult; ms: number } {
  const start = performance.now();
  const result = walk(bytes);
  return { result, ms: performance.now() - start };
}

describe('stripping hostile files: unsupported, quickly, never a throw or an endless loop', () => {
  let jpeg: Buffer;
  let png: Buffer;
  let webp: Buffer;
  beforeAll(async () => {
    jpeg = (await cameraJpeg()).bytes;
    png = await cameraPng();
    webp = await phonePhoto('webp', { frames: 2 });
  });

  const ihdr = () => png.subarray(8, 33);

  it.each<[string, keyof typeof walkers, () => Uint8Array, string | RegExp]>([
    ['JPEG: SOI alone', 'jpeg', () => SOI, 'no marker at byte 2'],
    [
      'JPEG: a segment cut inside its length',
      'jpeg',
      () => Buffer.concat([SOI, Buffer.from([0xff, 0xe1, 0x00])]),
      'the segment at byte 2 is truncated',
    ],
    [
      'JPEG: a segment length running past the end',
      'jpeg',
      () => Buffer.concat([SOI, Buffer.from([0xff, 0xe1, 0xff, 0xff]), Buffer.alloc(100)]),
      'the segment at byte 2 runs past the end of the file',
    ],
    [
      'JPEG: a segment length of 1',
      'jpeg',
      () => Buffer.concat([SOI, Buffer.from([0xff, 0xfe, 0x00, 0x01]), jpegBody(jpeg)]),
      'the segment at byte 2 declares a length of 1',
    ],
    [
      'JPEG: 100,000 tiny segments',
      'jpeg',
      () => Buffer.concat([SOI, Buffer.alloc(100_000 * 4).fill(Buffer.from([0xff, 0xfe, 0x00, 0x02])), jpegBody(jpeg)]),
      `more than ${MAX_JPEG_SEGMENTS} segments`,
    ],
    ['JPEG: 1 MiB of fill bytes', 'jpeg', () => Buffer.concat([SOI, Buffer.alloc(1 << 20, 0xff)]), 'the file ends inside a marker'],
    ['JPEG: bytes where a marker must be', 'jpeg', () => Buffer.concat([SOI, Buffer.from('<html>')]), 'no marker at byte 2'],
    [
      'JPEG: a restart marker before the first scan',
      'jpeg',
      () => Buffer.concat([SOI, Buffer.from([0xff, 0xd0]), jpegBody(jpeg)]),
      'marker 0xFFD0 where a segment must be',
    ],
    ['JPEG: EOI before any scan', 'jpeg', () => Buffer.concat([SOI, Buffer.from([0xff, 0xd9])]), 'marker 0xFFD9 where a segment must be'],
    [
      'JPEG: a JPG extension marker',
      'jpeg',
      () => Buffer.concat([SOI, jpegSegment(0xf0, Buffer.alloc(4)), jpegBody(jpeg)]),
      'marker 0xFFF0 before the first scan',
    ],
    [
      'JPEG: the image data cut (no EOI)',
      'jpeg',
      () => jpeg.subarray(0, scanOf(jpeg).sos + 4000),
      'the image data has no end (no EOI marker)',
    ],
    [
      'JPEG: 100,000 tiny segments between scans',
      'jpeg',
      () =>
        Buffer.concat([
          jpeg.subarray(0, scanOf(jpeg).eoi),
          Buffer.alloc(100_000 * 4).fill(Buffer.from([0xff, 0xfe, 0x00, 0x02])),
          Buffer.from([0xff, 0xd9]),
        ]),
      `more than ${MAX_JPEG_SEGMENTS} segments`,
    ],
    [
      'PNG: a chunk length of 0xFFFFFFFF',
      'png',
      () => Buffer.concat([PNG_SIGNATURE, ihdr(), Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from('tEXtabcd')]),
      /declares a length of 4294967295/,
    ],
    [
      'PNG: a chunk running past the end',
      'png',
      () => Buffer.concat([PNG_SIGNATURE, ihdr(), Buffer.from([0x00, 0x10, 0x00, 0x00]), Buffer.from('IDATabcd')]),
      /runs past the end of the file/,
    ],
    ['PNG: no IEND', 'png', () => Buffer.concat([PNG_SIGNATURE, ihdr()]), 'no IEND chunk'],
    [
      'PNG: a chunk cut in its header',
      'png',
      () => Buffer.concat([PNG_SIGNATURE, ihdr(), Buffer.from([0, 0, 0])]),
      'the chunk at byte 33 is truncated',
    ],
    [
      'PNG: the first chunk is not IHDR',
      'png',
      () => Buffer.concat([PNG_SIGNATURE, pngChunk('tEXt', Buffer.from('a\0b')), ihdr()]),
      'the first chunk is not IHDR',
    ],
    [
      'PNG: an unknown critical chunk',
      'png',
      () => Buffer.concat([PNG_SIGNATURE, ihdr(), pngChunk('CgBI', Buffer.alloc(4))]),
      'unknown critical chunk CgBI',
    ],
    [
      'PNG: a type that is not four letters',
      'png',
      () => Buffer.concat([PNG_SIGNATURE, ihdr(), Buffer.from([0, 0, 0, 0, 0x31, 0x32, 0x33, 0x34, 0, 0, 0, 0])]),
      'the chunk at byte 33 has no four-letter type',
    ],
    [
      'PNG: 200,000 empty chunks',
      'png',
      () => Buffer.concat([PNG_SIGNATURE, ihdr(), Buffer.alloc(200_000 * 12).fill(pngChunk('tIME', Buffer.alloc(0)))]),
      `more than ${MAX_PNG_CHUNKS} chunks`,
    ],
    [
      'WebP: a RIFF size past the end',
      'webp',
      () => Buffer.concat([Buffer.from('RIFF\xff\xff\xff\x7fWEBP', 'latin1'), webp.subarray(12)]),
      'the RIFF size runs past the end of the file',
    ],
    [
      'WebP: a chunk size of 0xFFFFFFFF',
      'webp',
      () => webpOf([Buffer.from('VP8L\xff\xff\xff\xff', 'latin1')]),
      'the chunk at byte 12 runs past the end of its container',
    ],
    ['WebP: a chunk cut in its header', 'webp', () => webpOf([Buffer.from('VP8L\x10', 'latin1')]), 'the chunk at byte 12 is truncated'],
    ['WebP: no chunk', 'webp', () => webpOf([]), 'no image chunk'],
    [
      'WebP: a VP8X after the first chunk',
      'webp',
      () => webpOf([...webpChunks(webp).map(({ whole }) => whole), webpChunks(webp)[0]!.whole]),
      'a VP8X chunk after the first chunk',
    ],
    [
      'WebP: an animation frame holding EXIF',
      'webp',
      () =>
        webpOf(
          webpChunks(webp).map(({ code, data, whole }) =>
            code === 'ANMF' ? riffChunk('ANMF', Buffer.concat([data, riffChunk('EXIF', Buffer.from('Jane'))])) : whole,
          ),
        ),
      'an animation frame holds a EXIF chunk',
    ],
    [
      'WebP: 100,000 empty chunks',
      'webp',
      () => webpOf([webpChunks(webp)[0]!.whole, Buffer.alloc(100_000 * 8).fill(riffChunk('XYZW', Buffer.alloc(0)))]),
      `more than ${MAX_WEBP_CHUNKS} chunks`,
    ],
  ])('%s', (_, format, make, reason) => {
    const { result, ms } = timed(walkers[format], make());
    expect(result).toEqual({ unsupported: typeof reason === 'string' ? reason : expect.stringMatching(reason) });
    expect(ms).toBeLessThan(QUICK_MS);
  });

  it('the fixtures of the product tests still strip: 25 MiB of comments (400 COM segments) and a truncated photo (unsupported: no EOI)', async () => {
    const padded = timed(stripJpeg, jpegBytes(25 * 1024 * 1024));
    expect(padded.result).toMatchObject({ removed: ['Comment'] });
    expect(padded.ms).toBeLessThan(QUICK_MS * 5);
    expect(stripJpeg(await truncatedJpeg())).toEqual({ unsupported: 'the image data has no end (no EOI marker)' });
  });

  describe.each(['jpeg', 'png', 'webp'] as const)('%s files cut and flipped at random', (format) => {
    const file = () => (format === 'jpeg' ? jpeg : format === 'png' ? png : webp);

    it('never throw and answer quickly; what they answer with strips to itself', () => {
      fc.assert(
        fc.property(
          fc.nat(),
          // Bytes changed anywhere, or among the first 8 KiB, where the metadata and the headers are.
          fc.array(fc.tuple(fc.oneof(fc.nat(), fc.nat({ max: 8191 })), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
          fc.boolean(),
          (cut, flips, shorten) => {
            const bytes = Buffer.from(file());
            for (const [at, value] of flips) bytes[at % bytes.length] = value;
            const input = shorten ? bytes.subarray(0, cut % bytes.length) : bytes;
            const { result, ms } = timed(walkers[format], input);
            expect(ms).toBeLessThan(QUICK_MS);
            if ('bytes' in result) {
              const again = walkers[format](result.bytes);
              if (!('bytes' in again)) throw new Error(`the stripped file is ${again.unsupported}`);
              expect(again.removed).toEqual([]);
              expect(Buffer.compare(again.bytes, result.bytes)).toBe(0);
            }
          },
        ),
        { numRuns: 1000 },
      );
    });
  });
});
