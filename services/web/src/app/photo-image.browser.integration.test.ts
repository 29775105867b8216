import type { Browser, Page } from 'playwright-core';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '@event-photos/testing/browser';
import { heicFixture, png } from '@event-photos/testing/fixtures';
import type { GalleryPhoto } from '#lib/app/photo-image';

// showPhotoImage in Chromium with photo records as the publishing pipeline writes them
// (renditions, width/height, placeholder, previewUnavailable): fixtures, so each case is exact;
// the images themselves are real PNGs served by the page's own route (HEIC bytes for .heic).

let browser: Browser;
let page: Page;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./photo-image.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'photoImage',
    write: false,
    platform: 'browser',
    target: 'es2022',
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.route('http://photos.test/**', (route) => {
    if (route.request().url().endsWith('/page.html'))
      return route.fulfill({ contentType: 'text/html', body: '<!doctype html><img id="photo">' });
    if (route.request().url().endsWith('.heic'))
      return route.fulfill({ contentType: 'image/heic', body: Buffer.from(heicFixture(4032, 3024)) });
    const width = Number(/w(\d+)\.png$/.exec(route.request().url())?.[1] ?? 8);
    return route.fulfill({ contentType: 'image/png', body: png(width, Math.round(width * 0.75)) });
  });
  await page.goto('http://photos.test/page.html');
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
});

afterAll(async () => {
  await browser?.close();
});

const photo: GalleryPhoto = {
  photoId: 'p',
  eventId: 'e',
  title: 'Keynote',
  description: '',
  contentType: 'image/jpeg',
  size: 1,
  sha256: 'ab'.repeat(32),
  url: 'http://photos.test/original-w4000.png',
  uploaderName: 'attendee',
  mine: true,
  createdAt: '2026-12-01T10:00:00.000Z',
};

describe('showPhotoImage', () => {
  it('offers the renditions as srcset, and the browser picks the one that fits', async () => {
    const shown = await page.evaluate(
      async (record) => {
        const image = document.getElementById('photo') as HTMLImageElement;
        (window as unknown as { photoImage: typeof import('#lib/app/photo-image') }).photoImage.showPhotoImage(image, record, '50vw');
        await image.decode();
        return {
          srcset: image.srcset,
          sizes: image.sizes,
          current: image.currentSrc,
          width: image.getAttribute('width'),
          height: image.getAttribute('height'),
        };
      },
      {
        ...photo,
        width: 1920,
        height: 1440,
        renditions: [1920, 320, 960].map((width) => ({
          width,
          height: width * 0.75,
          contentType: 'image/webp' as const,
          url: `http://photos.test/r-w${width}.png`,
        })),
      },
    );
    expect(shown.srcset).toBe(
      'http://photos.test/r-w320.png 320w, http://photos.test/r-w960.png 960w, http://photos.test/r-w1920.png 1920w',
    );
    expect(shown.sizes).toBe('50vw');
    // 50vw of 390 px at device pixel ratio 1 is 195 px: the 320 px rendition, never the original.
    expect(shown.current).toBe('http://photos.test/r-w320.png');
    expect([shown.width, shown.height]).toEqual(['1920', '1440']);
  });

  it('shows the placeholder until the image has loaded, then drops it', async () => {
    const placeholder = `data:image/png;base64,${png(4, 3).toString('base64')}`;
    const backgrounds = await page.evaluate(
      async ({ record }) => {
        const image = document.createElement('img');
        document.body.append(image);
        (window as unknown as { photoImage: typeof import('#lib/app/photo-image') }).photoImage.showPhotoImage(image, record, '100vw');
        const before = image.style.backgroundImage;
        await new Promise((resolve) => image.addEventListener('load', resolve, { once: true }));
        return [before.startsWith('url("data:image/png;base64,'), image.style.backgroundImage];
      },
      { record: { ...photo, url: 'http://photos.test/slow-w64.png', placeholder } },
    );
    expect(backgrounds).toEqual([true, '']);
  });

  it('falls back to the original url without renditions, and never shows a non-web URL', async () => {
    const sources = await page.evaluate((record) => {
      const show = (window as unknown as { photoImage: typeof import('#lib/app/photo-image') }).photoImage.showPhotoImage;
      const plain = document.createElement('img');
      show(plain, record, '100vw');
      const hostile = document.createElement('img');
      show(
        hostile,
        {
          ...record,
          url: 'javascript:alert(1)',
          renditions: [{ width: 320, height: 240, contentType: 'image/webp', url: 'javascript:alert(2)' }],
        },
        '100vw',
      );
      return [plain.getAttribute('src'), plain.hasAttribute('srcset'), hostile.getAttribute('src'), hostile.hasAttribute('srcset')];
    }, photo);
    expect(sources).toEqual(['http://photos.test/original-w4000.png', false, null, false]);
  });

  it('shows a "no preview" tile for a photo kept as uploaded that the browser cannot decode (HEIC in Chromium)', async () => {
    const shown = await page.evaluate(
      async (record) => {
        const image = document.createElement('img');
        document.body.append(image);
        (window as unknown as { photoImage: typeof import('#lib/app/photo-image') }).photoImage.showPhotoImage(image, record, '100vw');
        await new Promise((resolve) => image.addEventListener('load', resolve, { once: true }));
        return { src: image.src.slice(0, 24), alt: image.alt, width: image.naturalWidth };
      },
      {
        ...photo,
        url: 'http://photos.test/original.heic',
        contentType: 'image/heic' as const,
        renditions: [],
        previewUnavailable: 'HEIC photos are kept as uploaded',
      },
    );
    expect(shown).toEqual({ src: 'data:image/svg+xml,%3Csv', alt: 'Keynote (HEIC photos are kept as uploaded)', width: 400 });
  });
});
