import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RenderOutcome } from '@event-photos/core';
import { photoJpeg } from '@event-photos/testing/fixtures';
import {
  avifLyingSize,
  gifManyFrames,
  gifScreenBomb,
  hostileImages,
  png16BitRgbaBomb,
  pngZtxtBomb,
  zlibZeros,
  type HostileImage,
} from '@event-photos/testing/hostile-images';
import { pngMetadataRefusal } from '#lib/decode-budget';
import { SharpPhotoRenderer } from '#lib/sharp-photo-renderer';

const renderer = new SharpPhotoRenderer();
/** Refusals come from the header (milliseconds); "a few seconds" leaves room for a busy machine. */
const QUICK_MS = 2000;

async function timedRender(bytes: Uint8Array, contentType: HostileImage['contentType']): Promise<{ outcome: RenderOutcome; ms: number }> {
  const start = performance.now();
  const outcome = await renderer.render(bytes, contentType);
  return { outcome, ms: performance.now() - start };
}

const metadataRefusal = "The PNG's compressed metadata (zTXt, iTXt and iCCP chunks) inflates to more than 8 MiB, the limit";

describe('the decode budget', () => {
  let corpus: Map<string, HostileImage>;
  beforeAll(async () => {
    corpus = new Map((await hostileImages()).map((image) => [image.name, image]));
  }, 30_000);

  it.each([
    ['gif-10000x9999', 'rejected', 'The image is 10000x9999 pixels, over the limit of 25 megapixels for GIF'],
    ['gif-20000-frames', 'rejected', 'The GIF has 20000 frames, over the limit of 1000'],
    ['png-100mp-rgba16', 'rejected', 'The image is 10000x10000 pixels of 4 channels at 16 bits, 800 MB decoded, over the limit of 300 MB'],
    [
      'png-100mp-rgba16-interlaced',
      'rejected',
      'The image is 10000x10000 pixels of 4 channels at 16 bits, 800 MB decoded, over the limit of 300 MB',
    ],
    ['png-ztxt-bomb', 'rejected', metadataRefusal],
    ['png-iccp-bomb', 'rejected', metadataRefusal],
    ['avif-lying-size', 'rejected', 'The image data does not match the size its image/avif container declares'],
    ['heic-lying-size', 'kept', 'HEIC photos are kept as uploaded: this server cannot decode HEIC to make previews'],
  ] as const)('%s: %s quickly (%s)', async (name, kind, reason) => {
    const image = corpus.get(name)!;
    expect(image.bytes.length).toBeLessThan(25 * 2 ** 20);
    const { outcome, ms } = await timedRender(image.bytes, image.contentType);
    expect(outcome).toMatchObject({ kind, reason });
    expect(ms).toBeLessThan(QUICK_MS);
  });

  it('keeps a HEIC with the size its container declares: it is never decoded, so the HEVC data cannot make it cost more', async () => {
    const image = corpus.get('heic-lying-size')!;
    await expect(renderer.render(image.bytes, image.contentType)).resolves.toMatchObject({ kind: 'kept', width: 4032, height: 3024 });
  });

  it('counts every frame of an animation, and renders the first one', async () => {
    const { outcome, ms } = await timedRender(gifManyFrames(600, 1000), 'image/gif');
    expect(outcome).toStrictEqual({
      kind: 'rejected',
      reason: 'The GIF has 600 frames of 1000x1000 pixels, 600 megapixels in all, over the limit of 500 megapixels',
    });
    expect(ms).toBeLessThan(QUICK_MS);
    const animation = await renderer.render(gifManyFrames(200, 400), 'image/gif');
    expect(animation.kind === 'rendered' && animation.renditions.map(({ width, height }) => [width, height])).toStrictEqual([
      [320, 320],
      [400, 400],
    ]);
  });

  it('renders a GIF at its limit, in a few seconds', async () => {
    const { outcome, ms } = await timedRender(gifScreenBomb(5000, 5000), 'image/gif');
    expect(outcome).toMatchObject({ kind: 'rendered', width: 5000, height: 5000 });
    expect(ms).toBeLessThan(5 * QUICK_MS);
  }, 20_000);

  it('refuses an AVIF over its pixel limit from the header, and one over its file size', async () => {
    // The container declares 8192x8192; the AV1 data (64x64) is never reached.
    await expect(renderer.render(await avifLyingSize(8192, 64), 'image/avif')).resolves.toStrictEqual({
      kind: 'rejected',
      reason: 'The image is 8192x8192 pixels, over the limit of 20 megapixels for AVIF',
    });
    const padding = Buffer.alloc(9 * 2 ** 20);
    padding.writeUInt32BE(padding.length, 0);
    padding.write('free', 4, 'latin1'); // a box every reader skips
    const large = Buffer.concat([await avifLyingSize(64, 64), padding]);
    await expect(renderer.render(large, 'image/avif')).resolves.toStrictEqual({
      kind: 'rejected',
      reason: 'The AVIF file is 9 MiB, over the limit of 8 MiB for AVIF',
    });
  });

  it('refuses a file whose content is another format than the one declared', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } })
      .png()
      .toBuffer();
    await expect(renderer.render(png, 'image/jpeg')).resolves.toStrictEqual({
      kind: 'rejected',
      reason: 'The file is png, not the declared image/jpeg',
    });
  });

  it('lets PNG metadata through up to 8 MiB inflated in all', async () => {
    expect(pngMetadataRefusal(pngZtxtBomb(7, 2 ** 20))).toBeUndefined();
    expect(pngMetadataRefusal(pngZtxtBomb(9, 2 ** 20))).toBe(metadataRefusal);
    await expect(renderer.render(pngZtxtBomb(2, 2 ** 20), 'image/png')).resolves.toMatchObject({ kind: 'rendered', width: 64 });
  });

  it('counts a corrupt zlib stream as the most its bytes could inflate to, and walks on', () => {
    const corrupted = (chunks: number, inflatedBytes: number) => {
      const png = pngZtxtBomb(chunks, inflatedBytes);
      for (let at = png.indexOf('zTXt'); at >= 0; at = png.indexOf('zTXt', at + 4)) png.fill(0xff, at + 40, at + 48); // mid-stream
      return png;
    };
    // 2 KB streams: at most 2 MiB each, whatever they hold.
    expect(pngMetadataRefusal(corrupted(3, 2 ** 21))).toBeUndefined();
    // 40 KB streams: valid data to the damage, up to 40 MiB each.
    expect(pngMetadataRefusal(corrupted(1, 40 * 2 ** 20))).toBe(metadataRefusal);
  });

  it('is built of valid files: the hand-made zlib streams and PNGs decode to what they declare', async () => {
    const count = 2 ** 21 + 123;
    const zeros = inflateSync(zlibZeros(count)); // zlib checks the Adler-32 too
    expect({ length: zeros.length, nonZero: zeros.some((byte) => byte !== 0) }).toStrictEqual({ length: count, nonZero: false });
    for (const interlaced of [false, true]) {
      const { info } = await sharp(png16BitRgbaBomb(61, { interlaced }), { failOn: 'error' })
        .raw({ depth: 'ushort' })
        .toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels, info.size]).toStrictEqual([61, 61, 4, 61 * 61 * 4 * 2]); // 16-bit samples
    }
  });

  it('still renders a normal photo', async () => {
    const { outcome, ms } = await timedRender(await photoJpeg({ width: 4000, height: 3000 }), 'image/jpeg');
    expect(outcome).toMatchObject({ kind: 'rendered', width: 4000, height: 3000 });
    expect(ms).toBeLessThan(5 * QUICK_MS);
  }, 20_000);
});
