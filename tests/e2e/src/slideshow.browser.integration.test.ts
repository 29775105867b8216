import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPhotosClient, type PhotosClient, signIn } from '@event-photos/client';
import type { LocalStack } from '@event-photos/local-stack';
import { png } from '@event-photos/testing/fixtures';
import type { WebServer } from '@event-photos/web/server';
import { PHONE, SCREENSHOTS, watchPolicyViolations } from './support/browser-pages';
import { startAppInBrowser } from './support/app-in-browser';

// The slideshow (issue "No photo left behind", item 8) in Chromium against the local stack: a TV
// opens the event's slideshow address, photos go round, a photo a guest adds appears next (the
// feed), a deleted one leaves, and the keyboard drives it. Screenshots at TV and phone size.
const TV = { width: 1920, height: 1080 };

let stack: LocalStack;
let web: WebServer;
let browser: Browser;
let stop: () => Promise<void>;
let organizerPhotos: PhotosClient;
let pixels = 0;
const photoFile = (title: string) => new File([new Uint8Array(png(320 + pixels++, 200))], `${title}.png`, { type: 'image/png' });

async function uploadAs(title: string): Promise<string> {
  const [result] = await organizerPhotos.uploadPhotos([photoFile(title)], { concurrency: 1 });
  expect(result!.state).toBe('done');
  return (result as { photo: { photoId: string } }).photo.photoId;
}

beforeAll(async () => {
  ({ stack, web, browser, stop } = await startAppInBrowser('slideshow'));
  const { outputs } = stack;
  const organizer = outputs.demoUsers.find((user) => user.groups.includes('organizers'))!;
  const { idToken } = await signIn({
    ...outputs,
    email: organizer.email,
    password: organizer.password,
    clientId: outputs.userPoolClientId,
  });
  organizerPhotos = createPhotosClient({ apiUrl: outputs.apiUrl, eventId: outputs.demoEventId, getToken: () => idToken });
  for (const title of ['First', 'Second']) await uploadAs(title);
}, 60_000);

afterAll(async () => {
  await stop?.();
});

async function openSlideshow(viewport: { width: number; height: number }): Promise<{ page: Page; errors: Error[] }> {
  const context = await browser.newContext({ viewport });
  const errors: Error[] = [];
  await watchPolicyViolations(context, (violation) => errors.push(new Error(`CSP: ${violation}`)));
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error));
  const organizer = stack.outputs.demoUsers.find((user) => user.groups.includes('organizers'))!;
  await page.goto(`${web.url}?event=${stack.outputs.demoEventId}&view=slideshow`);
  await page.getByLabel('Email').fill(organizer.email);
  await page.getByLabel('Password').fill(organizer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#slideshow').waitFor();
  return { page, errors };
}

const caption = (page: Page) => page.locator('#slideshow-caption').textContent();
const shownSource = (page: Page) => page.locator('.slide.shown').getAttribute('src');

describe('the slideshow', () => {
  it('goes round the photos, shows a new one next, drops a deleted one, and follows the keyboard', async () => {
    const { page, errors } = await openSlideshow(TV);
    await expect.poll(() => caption(page), { timeout: 10_000 }).toMatch(/^First/);
    // Full screen over the whole page, the image filling it.
    expect(await page.locator('#slideshow').boundingBox()).toEqual({ x: 0, y: 0, ...TV });
    expect(await shownSource(page)).toContain('/photos/');
    await page.waitForTimeout(1_000); // the cross-fade
    await page.screenshot({ path: path.join(SCREENSHOTS, 'slideshow-tv.png') });

    await page.keyboard.press('ArrowRight');
    await expect.poll(() => caption(page)).toMatch(/^Second/);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => caption(page)).toMatch(/^First/);
    await page.keyboard.press(' ');
    await expect.poll(() => page.locator('#slideshow-paused').textContent()).toBe('Paused');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'slideshow-tv-paused.png') });

    // A guest adds a photo: the feed brings it (within its 5 s round), and it is the next one shown.
    const added = await uploadAs('Just added');
    await expect.poll(() => page.evaluate(() => document.title), { timeout: 12_000 }).toContain('Slideshow');
    await page.waitForTimeout(6_000);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => caption(page), { timeout: 10_000 }).toMatch(/^Just added/);

    // It is deleted: it leaves the screen within the feed's round.
    await organizerPhotos.deletePhoto(added);
    await expect.poll(() => caption(page), { timeout: 15_000 }).not.toMatch(/^Just added/);

    await page.keyboard.press('Escape');
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get('view')).toBeNull();
    // The event page's "Slideshow" opens it again.
    await page.getByRole('link', { name: 'Slideshow' }).click();
    await page.locator('#slideshow').waitFor();
    expect(new URL(page.url()).searchParams.get('view')).toBe('slideshow');
    expect(errors).toEqual([]);
  }, 90_000);

  it('fits a phone, captions and controls inside the screen', async () => {
    const { page, errors } = await openSlideshow(PHONE);
    await expect.poll(() => caption(page), { timeout: 10_000 }).not.toBe('');
    await page.mouse.move(100, 100);
    await page.waitForTimeout(1_000); // the cross-fade
    const controls = await page.locator('.slideshow-controls').boundingBox();
    expect(controls!.x + controls!.width).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'slideshow-phone.png') });
    expect(errors).toEqual([]);
  }, 60_000);
});
