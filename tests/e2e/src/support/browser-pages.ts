import { fileURLToPath } from 'node:url';
import jsQR from 'jsqr';
import type { BrowserContext, Locator, Page } from 'playwright-core';

// What the web app's browser tests share: the sizes they look at it in, where screenshots go, the
// Content-Security-Policy watch and the QR code reader.

/** Screenshots of each state (gitignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/**
 * Calls `report` with every Content-Security-Policy violation any page of the context reports
 * (`directive blocked-uri`): the app's policy allows exactly the endpoints its config.json names.
 */
export async function watchPolicyViolations(context: BrowserContext, report: (violation: string) => void): Promise<void> {
  await context.exposeBinding('reportViolation', (_source, text: string) => report(text));
  await context.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (event) =>
        (window as unknown as { reportViolation(text: string): void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`),
      true,
    );
  });
}

/** The QR code on screen (an SVG), decoded from a screenshot with jsQR. */
export async function decodeQr(page: Page, code: Locator): Promise<string | undefined> {
  const image = await code.screenshot();
  const decoded = await page.evaluate(
    async (bytes) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context2d = canvas.getContext('2d')!;
      context2d.drawImage(bitmap, 0, 0);
      return { width: bitmap.width, height: bitmap.height, data: [...context2d.getImageData(0, 0, bitmap.width, bitmap.height).data] };
    },
    [...image],
  );
  return jsQR(new Uint8ClampedArray(decoded.data), decoded.width, decoded.height)?.data;
}
