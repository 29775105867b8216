import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';

// The npm-shipped Chromium has no CJK font: Korean shows as boxes in screenshots. The test adds
// Noto Sans KR (@fontsource, regular and bold) to the pages of one browser context, served from
// node_modules on a made-up origin. The context bypasses the app's CSP to take the font: use it for
// looking at Korean only; the CSP itself is checked by the other browser tests.
const FONT_ORIGIN = 'https://fonts.test';
const fontDir = path.dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-kr/400.css'));

export async function useKoreanFont(context: BrowserContext): Promise<void> {
  const faces = ['400.css', '700.css']
    .map((file) => readFileSync(path.join(fontDir, file), 'utf8'))
    .join('\n')
    .replaceAll('url(./files/', `url(${FONT_ORIGIN}/files/`);
  const css = `${faces}\nhtml, body, button, input, select, textarea { font-family: system-ui, sans-serif, 'Noto Sans KR' !important; }`;
  await context.route(`${FONT_ORIGIN}/files/*`, (route) =>
    route.fulfill({ path: path.join(fontDir, 'files', path.basename(new URL(route.request().url()).pathname)) }),
  );
  await context.addInitScript((text: string) => {
    document.addEventListener('DOMContentLoaded', () => {
      const style = document.createElement('style');
      style.textContent = text;
      document.head.append(style);
    });
  }, css);
}
