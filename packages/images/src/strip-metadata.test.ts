import { crc32 } from 'node:zlib';
import ExifReader from 'exifreader';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  animatedPng,
  cameraJpeg,
  cameraPng,
  cameraWebp,
  IDENTIFYING_STRINGS,
  jpegBody,
  jpegSegment,
  phonePhoto,
  pngChunks,
  riffChunk,
  tiff,
  webpChunks,
  webpOf,
  type CameraJpeg,
} from '@event-photos/testing/camera-fixtures';
import { heicFixture } from '@event-photos/testing/fixtures';
import { canStripMetadata, STRIPPABLE_CONTENT_TYPES, stripIdentifyingMetadata } from '#lib/strip-metadata';

type Strippable = (typeof STRIPPABLE_CONTENT_TYPES)[number];

function strip(bytes: Uint8Array, contentType: Strippable): { bytes: Buffer; removed: string[] } {
  const result = stripIdentifyingMetadata(bytes, contentType);
  if ('unsupported' in result) throw new Error(`unsupported: ${result.unsupported}`);
  return { bytes: Buffer.from(result.bytes), removed: result.removed };
}

/** exifreader's groups (exif, gps, xmp, iptc, mpf, Thumbnail...), typed loosely: its types do not name every tag it reads. */
type Tags = Record<string, Record<string, { description?: string; value?: unknown } | undefined> | undefined>;

/** Everything exifreader finds (PNG's compressed chunks included), and what sharp (libvips) reads. */
async function readBack(bytes: Uint8Array) {
  const tags = (await ExifReader.load(Buffer.from(bytes), { async: true, expanded: true, includeUnknown: true })) as unknown as Tags;
  const metadata = await sharp(bytes).metadata();
  return { tags, metadata };
}

/** The original carries what the test is about: GPS, serials, artist, a profile, orientation 6. */
async function expectIdentifying(bytes: Uint8Array) {
  const { tags, metadata } = await readBack(bytes);
  expect(tags.gps?.Latitude).toBeCloseTo(52.516, 2); // exifreader's gps group holds numbers
  expect(tags.exif?.BodySerialNumber?.description).toBe('BODY-4711-0815');
  expect(tags.exif?.Artist?.description).toBe('Jane Q. Photographer');
  expect(metadata.orientation).toBe(6);
  expect(metadata.icc?.length).toBeGreaterThan(0);
  expect(metadata.xmp).toBeDefined();
}

/** The stripped file: no identity anywhere (bytes, Exif, XMP, IPTC, thumbnail), orientation 6 and the original's ICC profile. */
async function expectStripped(stripped: Uint8Array, original: Uint8Array) {
  const bytes = Buffer.from(stripped);
  for (const text of IDENTIFYING_STRINGS) expect(bytes.includes(text, 0, 'utf8'), text).toBe(false);
  const { tags, metadata } = await readBack(stripped);
  expect(tags.gps).toBeUndefined();
  expect(tags.xmp).toBeUndefined();
  expect(tags.iptc).toBeUndefined();
  expect(tags.makerNotes).toBeUndefined();
  expect(tags.Thumbnail).toBeUndefined();
  expect(tags.mpf).toBeUndefined();
  expect(Object.keys(tags.exif ?? {})).toEqual(['Orientation']);
  expect(tags.exif?.Orientation?.value).toBe(6);
  expect(metadata.orientation).toBe(6);
  expect(metadata.xmp).toBeUndefined();
  expect(metadata.iptc).toBeUndefined();
  // sharp's own Exif buffer ("Exif\0\0" and a TIFF structure, or the TIFF structure alone), parsed: Orientation and nothing else.
  const exifBuffer = metadata.exif!.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? metadata.exif!.subarray(6) : metadata.exif!;
  const exif = ExifReader.load(exifBuffer, { expanded: true });
  expect(Object.keys(exif.exif ?? {})).toEqual(['Orientation']);
  const { metadata: before } = await readBack(original);
  expect(Buffer.compare(metadata.icc!, before.icc!)).toBe(0);
}

/** Decoded by libvips, every frame: the same raw pixels. */
async function expectSamePixels(stripped: Uint8Array, original: Uint8Array) {
  const [after, before] = await Promise.all(
    [stripped, original].map((bytes) => sharp(bytes, { pages: -1 }).raw().toBuffer({ resolveWithObject: true })),
  );
  expect(after!.info).toEqual(before!.info);
  expect(Buffer.compare(after!.data, before!.data)).toBe(0);
}

/** From the first SOS to EOI (0xFF 0xD9 cannot occur inside entropy-coded data). */
function jpegScans(jpeg: Uint8Array): Buffer {
  const bytes = Buffer.from(jpeg);
  let at = 2;
  while (bytes[at + 1] !== 0xda) at += 2 + bytes.readUInt16BE(at + 2);
  return bytes.subarray(at, bytes.indexOf(Buffer.from([0xff, 0xd9]), at) + 2);
}

/** The segments before the first SOS: marker and body. */
function jpegSegments(jpeg: Uint8Array): Array<{ marker: number; body: Buffer }> {
  const bytes = Buffer.from(jpeg);
  const segments: Array<{ marker: number; body: Buffer }> = [];
  for (let at = 2; bytes[at + 1] !== 0xda; at += 2 + bytes.readUInt16BE(at + 2))
    segments.push({ marker: bytes[at + 1]!, body: bytes.subarray(at + 4, at + 2 + bytes.readUInt16BE(at + 2)) });
  return segments;
}

const idat = (png: Uint8Array) =>
  Buffer.concat(
    pngChunks(png)
      .filter(({ type }) => type === 'IDAT')
      .map(({ whole }) => whole),
  );

describe('stripIdentifyingMetadata: what others download carries no location or device identity', () => {
  describe.each(['jpeg', 'png', 'webp'] as const)(
    'a phone %s (libvips: Exif with GPS, serials, artist; P3 profile; XMP; orientation 6)',
    (format) => {
      const contentType = `image/${format}` as const;
      let original: Buffer;
      let stripped: { bytes: Buffer; removed: string[] };
      beforeAll(async () => {
        original = await phonePhoto(format);
        const copy = Buffer.from(original);
        stripped = strip(original, contentType);
        expect(Buffer.compare(original, copy), 'the input is left as it was').toBe(0);
      });

      it('carries them before', async () => {
        await expectIdentifying(original);
      });

      it('has none of them after, and keeps the ICC profile and orientation 6', async () => {
        await expectStripped(stripped.bytes, original);
      });

      it('decodes to identical pixels', async () => {
        await expectSamePixels(stripped.bytes, original);
      });

      it('keeps the image data byte for byte', () => {
        if (format === 'jpeg') expect(Buffer.compare(jpegScans(stripped.bytes), jpegScans(original))).toBe(0);
        if (format === 'png') expect(Buffer.compare(idat(stripped.bytes), idat(original))).toBe(0);
        if (format === 'webp') {
          const image = (webp: Uint8Array) => webpChunks(webp).filter(({ code }) => ['VP8 ', 'VP8L', 'ALPH', 'ICCP'].includes(code));
          expect(image(stripped.bytes).map(({ whole }) => whole)).toEqual(image(original).map(({ whole }) => whole));
        }
      });

      it('says what it removed', () => {
        expect(stripped.removed).toEqual(
          expect.arrayContaining([
            'Exif',
            'GPS',
            'Make',
            'Model',
            'Artist',
            'Copyright',
            'BodySerialNumber',
            'LensSerialNumber',
            'CameraOwnerName',
            'XMP',
          ]),
        );
      });

      it('leaves a stripped file as it is', () => {
        const again = strip(stripped.bytes, contentType);
        expect(Buffer.compare(again.bytes, stripped.bytes)).toBe(0);
        expect(again.removed).toEqual([]);
      });
    },
  );

  describe('a camera JPEG (MakerNote, IFD1 thumbnail, MPF preview after EOI, extended XMP, IPTC, COM, JUMBF)', () => {
    let camera: CameraJpeg;
    let stripped: { bytes: Buffer; removed: string[] };
    beforeAll(async () => {
      camera = await cameraJpeg();
      stripped = strip(camera.bytes, 'image/jpeg');
    });

    it('carries them before', async () => {
      await expectIdentifying(camera.bytes);
      const { tags } = await readBack(camera.bytes);
      expect(tags.exif?.MakerNote).toBeDefined();
      expect(tags.Thumbnail).toBeDefined();
      expect(tags.iptc?.['By-line']?.description).toBe('Jane IPTC Byline');
      expect(tags.mpf).toBeDefined();
    });

    it('has none of them after, keeps the profile and orientation, decodes alike, keeps the scans byte for byte', async () => {
      await expectStripped(stripped.bytes, camera.bytes);
      await expectSamePixels(stripped.bytes, camera.bytes);
      expect(Buffer.compare(jpegScans(stripped.bytes), jpegScans(camera.bytes))).toBe(0);
      expect(Buffer.compare(jpegScans(stripped.bytes), jpegScans(camera.encoded))).toBe(0);
    });

    it('keeps JFIF, the ICC chunks in order, Adobe, the tables; replaces Exif by Orientation alone; ends at EOI', () => {
      const before = jpegSegments(camera.bytes);
      const after = jpegSegments(stripped.bytes);
      const kept = (segment: { marker: number; body: Buffer }) =>
        segment.marker === 0xe0 ||
        (segment.marker === 0xe2 && segment.body.subarray(0, 12).toString('latin1') === 'ICC_PROFILE\0') ||
        segment.marker === 0xee ||
        segment.marker < 0xe0;
      expect(after.filter((segment) => segment.marker !== 0xe1)).toEqual(before.filter(kept));
      expect(after.map(({ marker }) => marker.toString(16))).toEqual([
        'e0',
        'e1',
        'e2',
        'e2',
        'ee',
        'db',
        'db',
        'c0',
        'c4',
        'c4',
        'c4',
        'c4',
      ]);
      expect(after[1]!.body).toEqual(Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff(true, [[0x0112, { short: [6] }]])]));
      const scans = jpegScans(stripped.bytes);
      expect(stripped.bytes.indexOf(scans) + scans.length).toBe(stripped.bytes.length); // nothing after EOI
    });

    it('says what it removed', () => {
      expect(stripped.removed).toEqual(
        expect.arrayContaining([
          'Exif',
          'GPS',
          'MakerNote',
          'BodySerialNumber',
          'LensSerialNumber',
          'CameraOwnerName',
          'Artist',
          'Copyright',
          'Thumbnail',
          'XMP',
          'ExtendedXMP',
          'MPF',
          'IPTC',
          'Comment',
          'JUMBF',
          'TrailingData',
        ]),
      );
    });

    it('walks a progressive file across its scans, dropping a COM between them, the scans otherwise byte for byte', async () => {
      const progressive = await cameraJpeg({ progressive: true });
      const scans = jpegScans(progressive.bytes);
      const second = scans.indexOf(Buffer.from([0xff, 0xda]), 2);
      expect(second).toBeGreaterThan(0);
      const scansAt = progressive.bytes.indexOf(scans);
      const file = Buffer.concat([
        progressive.bytes.subarray(0, scansAt + second),
        jpegSegment(0xfe, Buffer.from('Jane Owner between scans', 'latin1')),
        progressive.bytes.subarray(scansAt + second),
      ]);
      const result = strip(file, 'image/jpeg');
      expect(result.bytes.includes('Jane Owner')).toBe(false);
      expect(Buffer.compare(jpegScans(result.bytes), scans)).toBe(0);
      await expectSamePixels(result.bytes, progressive.bytes);
    });
  });

  describe('JPEG details', () => {
    const exifJpeg = (encoded: Buffer, tiffBytes: Buffer) =>
      Buffer.concat([
        Buffer.from([0xff, 0xd8]),
        jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiffBytes])),
        jpegBody(encoded),
      ]);
    let encoded: Buffer;
    beforeAll(async () => {
      encoded = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#808040' } })
        .jpeg()
        .toBuffer();
    });

    it('keeps a big-endian orientation in big-endian', async () => {
      const result = strip(
        exifJpeg(
          encoded,
          tiff(false, [
            [0x010f, 'Maker'],
            [0x0112, { short: [8] }],
          ]),
        ),
        'image/jpeg',
      );
      expect((await sharp(result.bytes).metadata()).orientation).toBe(8);
      expect(jpegSegments(result.bytes)[0]!.body.subarray(6, 8).toString('latin1')).toBe('MM');
    });

    it.each([
      ['no orientation', tiff(true, [[0x010f, 'Maker']])],
      ['orientation 0', tiff(true, [[0x0112, { short: [0] }]])],
      ['orientation 9', tiff(true, [[0x0112, { short: [9] }]])],
      ['no TIFF header', Buffer.from('not a tiff structure')],
    ])('writes no Exif when the original had no valid orientation (%s)', (_, tiffBytes) => {
      const result = strip(exifJpeg(encoded, tiffBytes), 'image/jpeg');
      expect(jpegSegments(result.bytes).map(({ marker }) => marker)).not.toContain(0xe1);
      expect(result.removed).toContain('Exif');
    });

    it('keeps JFIF without its thumbnail', () => {
      const jfif = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x02, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0xff, 0x00, 0x00]);
      const file = Buffer.concat([Buffer.from([0xff, 0xd8]), jpegSegment(0xe0, jfif), jpegBody(encoded)]);
      const copy = Buffer.from(file);
      const result = strip(file, 'image/jpeg');
      expect(Buffer.compare(file, copy), 'the input is left as it was').toBe(0);
      expect(jpegSegments(result.bytes)[0]!.body).toEqual(
        Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x02, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
      );
      expect(result.removed).toEqual(['JFIFThumbnail']);
    });

    it('keeps a CMYK JPEG with its Adobe segment (colour transform), pixels identical', async () => {
      const cmyk = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c04020' } })
        .toColourspace('cmyk')
        .withExif({ IFD0: { Artist: 'Jane Q. Photographer' } })
        .jpeg()
        .toBuffer();
      expect(jpegSegments(cmyk).map(({ marker }) => marker)).toContain(0xee);
      const result = strip(cmyk, 'image/jpeg');
      expect(jpegSegments(result.bytes).filter(({ marker }) => marker === 0xee)).toEqual(
        jpegSegments(cmyk).filter(({ marker }) => marker === 0xee),
      );
      expect(result.bytes.includes('Jane')).toBe(false);
      await expectSamePixels(result.bytes, cmyk);
    });
  });

  describe('a PNG with text, XMP in iTXt and zTXt, tIME, iDOT, caBX and bytes after IEND', () => {
    let original: Buffer;
    let stripped: { bytes: Buffer; removed: string[] };
    beforeAll(async () => {
      original = await cameraPng();
      stripped = strip(original, 'image/png');
    });

    it('has none of them after; profile, orientation, IDAT chunks and pixels as before', async () => {
      await expectIdentifying(original);
      await expectStripped(stripped.bytes, original);
      await expectSamePixels(stripped.bytes, original);
      expect(Buffer.compare(idat(stripped.bytes), idat(original))).toBe(0);
    });

    it('keeps IHDR, iCCP, pHYs, IDAT and IEND byte for byte (CRCs unchanged), with a minimal eXIf in place of the original', () => {
      const after = pngChunks(stripped.bytes);
      expect(after.map(({ type }) => type)).toEqual([
        'IHDR',
        'iCCP',
        'eXIf',
        'pHYs',
        ...pngChunks(original)
          .filter(({ type }) => type === 'IDAT')
          .map(() => 'IDAT'),
        'IEND',
      ]);
      const kept = after.filter(({ type }) => type !== 'eXIf').map(({ whole }) => whole);
      expect(kept).toEqual(
        pngChunks(original)
          .filter(({ type }) => ['IHDR', 'iCCP', 'pHYs', 'IDAT', 'IEND'].includes(type))
          .map(({ whole }) => whole),
      );
      const exif = after.find(({ type }) => type === 'eXIf')!;
      expect(exif.data).toEqual(tiff(true, [[0x0112, { short: [6] }]]));
      expect(exif.whole.readUInt32BE(exif.whole.length - 4)).toBe(crc32(exif.whole.subarray(4, exif.whole.length - 4)));
      expect(stripped.removed).toEqual(
        expect.arrayContaining(['Exif', 'GPS', 'BodySerialNumber', 'Artist', 'XMP', 'Text', 'Time', 'iDOT', 'caBX', 'TrailingData']),
      );
    });

    it('keeps an APNG animation (acTL, fcTL, fdAT) and sRGB as they were', async () => {
      const apng = await animatedPng();
      const result = strip(apng, 'image/png');
      const after = pngChunks(result.bytes);
      expect(after.map(({ type }) => type)).toEqual(['IHDR', 'acTL', 'sRGB', 'eXIf', 'fcTL', 'IDAT', 'fcTL', 'fdAT', 'IEND']);
      expect(after.filter(({ type }) => type !== 'eXIf').map(({ whole }) => whole)).toEqual(
        pngChunks(apng)
          .filter(({ type }) => !['eXIf', 'tEXt'].includes(type))
          .map(({ whole }) => whole),
      );
      expect(result.removed).toEqual(['Exif', 'Make', 'BodySerialNumber', 'GPS', 'Text']);
      expect((await sharp(result.bytes).metadata()).orientation).toBe(6);
      await expectSamePixels(result.bytes, apng);
    });
  });

  describe('WebP', () => {
    it('fixes the VP8X flags (EXIF kept for the orientation, XMP gone) and the RIFF size', async () => {
      const original = await phonePhoto('webp');
      const { bytes } = strip(original, 'image/webp');
      expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
      const vp8x = webpChunks(bytes)[0]!;
      expect(vp8x.code).toBe('VP8X');
      expect(vp8x.data[0]! & 0x0c).toBe(0x08);
      expect(webpChunks(bytes).map(({ code }) => code)).toEqual(['VP8X', 'ICCP', 'VP8 ', 'EXIF']);
    });

    it('clears the EXIF flag when there is no orientation to keep', async () => {
      const original = await phonePhoto('webp', { orientation: 1 });
      const withoutOrientation = webpOf(
        webpChunks(original).map(({ code, whole }) => (code === 'EXIF' ? riffChunk('EXIF', tiff(true, [[0x010f, 'Maker']])) : whole)),
      );
      const { bytes } = strip(withoutOrientation, 'image/webp');
      expect(webpChunks(bytes).map(({ code }) => code)).toEqual(['VP8X', 'ICCP', 'VP8 ']);
      expect(webpChunks(bytes)[0]!.data[0]! & 0x0c).toBe(0);
      await expectSamePixels(bytes, original);
    });

    it.each([
      ['the spec form of EXIF (no "Exif\\0\\0") and an unknown chunk', () => cameraWebp()],
      ['alpha (ALPH + VP8)', () => phonePhoto('webp', { alpha: true })],
      ['lossless with alpha (VP8L)', () => phonePhoto('webp', { lossless: true, alpha: true })],
      ['animated (ANIM, ANMF)', () => phonePhoto('webp', { frames: 3 })],
    ])('strips %s: no identity, orientation and profile kept, every frame identical', async (_, make) => {
      const original = await make();
      await expectIdentifying(original);
      const { bytes } = strip(original, 'image/webp');
      await expectStripped(bytes, original);
      await expectSamePixels(bytes, original);
    });

    it('leaves a simple WebP (no VP8X, so no metadata) byte for byte', async () => {
      const simple = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } })
        .webp()
        .toBuffer();
      expect(webpChunks(simple).map(({ code }) => code)).toEqual(['VP8 ']);
      const result = strip(simple, 'image/webp');
      expect(Buffer.compare(result.bytes, simple)).toBe(0);
      expect(result.removed).toEqual([]);
    });
  });

  describe('which types', () => {
    it('strips JPEG, PNG and WebP; not HEIC, AVIF or GIF (no original is published for them)', () => {
      expect(STRIPPABLE_CONTENT_TYPES).toEqual(['image/jpeg', 'image/png', 'image/webp']);
      for (const type of ['image/jpeg', 'image/png', 'image/webp']) expect(canStripMetadata(type)).toBe(true);
      for (const type of ['image/heic', 'image/avif', 'image/gif', 'image/svg+xml']) expect(canStripMetadata(type)).toBe(false);
      expect(stripIdentifyingMetadata(heicFixture(4032, 3024), 'image/heic')).toEqual({
        unsupported: 'the metadata of image/heic files is not stripped',
      });
    });

    it('answers unsupported for bytes of another type than declared', async () => {
      const png = await phonePhoto('png');
      expect(stripIdentifyingMetadata(png, 'image/jpeg')).toEqual({ unsupported: 'not a JPEG: no SOI marker' });
      expect(stripIdentifyingMetadata(png, 'image/webp')).toEqual({ unsupported: 'not a WebP: no RIFF/WEBP header' });
      expect(stripIdentifyingMetadata(await phonePhoto('jpeg'), 'image/png')).toEqual({ unsupported: 'not a PNG: no signature' });
    });
  });
});
