import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPhotosClient, signIn } from '@event-photos/client';
import { DEMO_EVENT, type LocalStack } from '@event-photos/local-stack';
import { png } from '@event-photos/testing/fixtures';
import type { WebServer } from '@event-photos/web/server';
import { DESKTOP, PHONE, SCREENSHOTS } from './support/browser-pages';
import { startAppInBrowser } from './support/app-in-browser';
import { useKoreanFont } from './support/korean-font';

// The app in Korean (issue "No photo left behind", item 9): a browser whose language is ko-KR gets
// every screen in Korean, dates as Korean writes them, and can switch to English and back.
// services/web/src/app/messages-ko.test.ts checks the catalog has every string; this looks at the
// screens a guest and an organizer go through, for English left over.

let stack: LocalStack;
let web: WebServer;
let browser: Browser;
let stop: () => Promise<void>;
const organizer = () => stack.outputs.demoUsers.find((user) => user.groups.includes('organizers'))!;

beforeAll(async () => {
  ({ stack, web, browser, stop } = await startAppInBrowser('korean'));
  const { outputs } = stack;
  const { idToken } = await signIn({
    ...outputs,
    email: organizer().email,
    password: organizer().password,
    clientId: outputs.userPoolClientId,
  });
  const photos = createPhotosClient({ apiUrl: outputs.apiUrl, eventId: outputs.demoEventId, getToken: () => idToken });
  const file = new File([new Uint8Array(png(320, 200))], 'Keynote.png', { type: 'image/png' });
  expect((await photos.uploadPhotos([file]))[0]!.state).toBe('done');
}, 60_000);

afterAll(async () => {
  await stop?.();
});

async function openInKorean(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'ko-KR', bypassCSP: true });
  await useKoreanFont(context);
  const page = await context.newPage();
  await page.goto(web.url);
  return page;
}

/** A screenshot once the Korean font's pieces for what is on screen have loaded. */
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** The words of the app's own controls and headings still in English (names of people, events and files are not the app's). */
const englishLeft = (page: Page) =>
  page.evaluate(() => {
    const own = [...document.querySelectorAll('button, label, h1, h2, legend, .notice, .hint, option, a[data-route]:not(.event-link)')];
    return own
      .filter((element) => (element as HTMLElement).offsetParent !== null || element.tagName === 'OPTION')
      .map((element) =>
        (element.textContent ?? '').replace(
          /Event Photos|English|JPEG|PNG|WebP|GIF|AVIF|HEIC|MB|QR|zip|A–Z|a–z|Demo Conference 2026|Keynote|[\w.+-]+@[\w.-]+/g,
          '',
        ),
      )
      .filter((text) => /[A-Za-z]{2,}/.test(text));
  });

describe('the app in Korean', () => {
  it('speaks Korean to a ko-KR browser on every screen of a visit, dates included, and switches to English and back', async () => {
    const page = await openInKorean(DESKTOP);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ko');
    await page.getByRole('heading', { name: '로그인', level: 1 }).waitFor();
    expect(await englishLeft(page)).toEqual([]);
    await shot(page, 'ko-desktop-1-sign-in');

    await page.getByLabel('이메일').fill(organizer().email);
    await page.getByLabel('비밀번호', { exact: true }).fill(organizer().password);
    await page.getByRole('button', { name: '로그인' }).click();
    await page.getByRole('heading', { name: '이벤트', level: 1 }).waitFor();
    expect(await englishLeft(page)).toEqual([]);
    await shot(page, 'ko-desktop-2-events');

    await page.getByRole('link', { name: DEMO_EVENT.name }).click();
    await page.getByRole('heading', { name: DEMO_EVENT.name, level: 1 }).waitFor();
    await page.getByRole('heading', { name: '사진 추가' }).waitFor();
    await page.locator('#photo-grid > li img').first().waitFor();
    expect(await englishLeft(page)).toEqual([]);
    await shot(page, 'ko-desktop-3-event');

    await page.locator('#photo-grid > li').first().click();
    const meta = page.locator('#lightbox-meta');
    await expect.poll(() => meta.textContent()).toMatch(/님.*올림 · \d{4}\. \d{1,2}\. \d{1,2}\./);
    await shot(page, 'ko-desktop-4-photo', false);
    await page.keyboard.press('Escape');

    await page.getByLabel('언어').selectOption('en');
    await page.getByRole('heading', { name: 'Add photos' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.getByLabel('Language').selectOption('ko');
    await page.getByRole('heading', { name: '사진 추가' }).waitFor();
  }, 90_000);

  it('fits a phone in Korean', async () => {
    const page = await openInKorean(PHONE);
    await page.getByRole('heading', { name: '로그인', level: 1 }).waitFor();
    await shot(page, 'ko-phone-1-sign-in');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  }, 60_000);
});
