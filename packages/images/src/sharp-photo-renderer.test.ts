import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDER_MAX_CHARS } from '@event-photos/core';
import { decompressionBombPng, heicFixture, jpegBytes, photoJpeg, pngWithHtml, truncatedJpeg } from '@event-photos/testing/fixtures';
import { SharpPhotoRenderer, renditionWebp } from '#lib/sharp-photo-renderer';

const renderer = new SharpPhotoRenderer();

describe('SharpPhotoRenderer', () => {
  it('orients by EXIF, makes WebP renditions of 320, 960 and 1920 wide, with no metadata, and a placeholder under 1 KB', async () => {
    const photo = await photoJpeg({ width: 4000, height: 3000, orientation: 6, gps: true });
    expect((await sharp(photo).metadata()).exif).toBeDefined(); // the fixture does carry EXIF
    const outcome = await renderer.render(photo, 'image/jpeg');
    if (outcome.kind !== 'rendered') throw new Error(`not rendered: ${JSON.stringify(outcome)}`);
    expect({ width: outcome.width, height: outcome.height }).toStrictEqual({ width: 3000, height: 4000 });
    expect(outcome.renditions.map(({ width, height, contentType }) => ({ width, height, contentType }))).toStrictEqual([
      { width: 320, height: 427, contentType: 'image/webp' },
      { width: 960, height: 1280, contentType: 'image/webp' },
      { width: 1920, height: 2560, contentType: 'image/webp' },
    ]);
    for (const rendition of outcome.renditions) {
      const meta = await sharp(rendition.bytes).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toStrictEqual({
        format: 'webp',
        width: rendition.width,
        height: rendition.height,
      });
      expect({ exif: meta.exif, xmp: meta.xmp, icc: meta.icc, iptc: meta.iptc, orientation: meta.orientation }).toStrictEqual({
        exif: undefined,
        xmp: undefined,
        icc: undefined,
        iptc: undefined,
        orientation: undefined,
      });
      expect(Buffer.from(rendition.bytes).includes('SERIAL-12345')).toBe(false);
    }
    expect(outcome.placeholder).toMatch(/^data:image\/webp;base64,/);
    expect(outcome.placeholder.length).toBeLessThanOrEqual(PLACEHOLDER_MAX_CHARS);
    const tiny = await sharp(Buffer.from(outcome.placeholder.split(',')[1]!, 'base64')).metadata();
    expect({ width: tiny.width, height: tiny.height }).toStrictEqual({ width: 12, height: 16 });
  });

  it('encodes renditions at WebP quality 80: the grid sizes at effort 4, wider ones (the 1920w) at effort 2', () => {
    expect([320, 960, 1000, 1920].map((width) => renditionWebp(width))).toStrictEqual([
      { quality: 80, effort: 4 },
      { quality: 80, effort: 4 },
      { quality: 80, effort: 2 },
      { quality: 80, effort: 2 },
    ]);
  });

  it('never upscales: a small image gets one rendition of its own size', async () => {
    const outcome = await renderer.render(jpegBytes(5000), 'image/jpeg');
    expect(outcome.kind === 'rendered' && outcome.renditions.map(({ width, height }) => [width, height])).toStrictEqual([[1, 1]]);
    const medium = await renderer.render(await photoJpeg({ width: 1000, height: 500 }), 'image/jpeg');
    expect(medium.kind === 'rendered' && medium.renditions.map(({ width, height }) => [width, height])).toStrictEqual([
      [320, 160],
      [960, 480],
      [1000, 500],
    ]);
  });

  it('refuses a decompression bomb from its header', async () => {
    const bomb = await decompressionBombPng();
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    await expect(renderer.render(bomb, 'image/png')).resolves.toStrictEqual({
      kind: 'rejected',
      reason: 'The image is 20000x20000 pixels, over the limit of 100 megapixels',
    });
  });

  it('refuses a truncated JPEG, a PNG header followed by HTML, and random bytes framed as a JPEG', async () => {
    await expect(renderer.render(await truncatedJpeg(), 'image/jpeg')).resolves.toStrictEqual({
      kind: 'rejected',
      reason: 'The image file is truncated (declared image/jpeg)',
    });
    await expect(renderer.render(await pngWithHtml(), 'image/png')).resolves.toMatchObject({
      kind: 'rejected',
      reason: expect.stringMatching(/^The image (cannot be decoded|file is truncated)/),
    });
    const lookalike = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 0x41)]);
    await expect(renderer.render(lookalike, 'image/jpeg')).resolves.toMatchObject({ kind: 'rejected' });
  });

  it('keeps a HEIC as uploaded, with its size and why there are no renditions', async () => {
    await expect(renderer.render(heicFixture(4032, 3024), 'image/heic')).resolves.toStrictEqual({
      kind: 'kept',
      width: 4032,
      height: 3024,
      reason: 'HEIC photos are kept as uploaded: this server cannot decode HEIC to make previews',
    });
    // A HEIC container cut short is no photo at all.
    const cut = heicFixture(4032, 3024).subarray(0, 120);
    await expect(renderer.render(cut, 'image/heic')).resolves.toMatchObject({ kind: 'rejected' });
  });
});
