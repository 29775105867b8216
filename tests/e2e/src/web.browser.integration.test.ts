import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEventsClient,
  createMembersClient,
  createPhotosClient,
  signIn,
  type EventsClient,
  type MembersClient,
  type PhotosClient,
} from '@event-photos/client';
import { DEMO_EVENT, type LocalStack } from '@event-photos/local-stack';
import { jpegBytes, png } from '@event-photos/testing/fixtures';
import type { WebServer } from '@event-photos/web/server';
import { DESKTOP, decodeQr, PHONE, SCREENSHOTS, scrollWidth, watchPolicyViolations } from './support/browser-pages';
import { startAppInBrowser } from './support/app-in-browser';

// The web app in a real browser (the Chromium that npm ci brings, driven by playwright-core)
// against the local stack: Cognito sign-in, API calls and the presigned PUTs all cross origins,
// as they do on AWS. Screenshots of each state go to tests/e2e/screenshots/ (gitignored).

const PAGE_SIZE = 4;

let stack: LocalStack;
let web: WebServer;
let browser: Browser;
let stop: () => Promise<void>;
let attendeeApi: PhotosClient;
let organizerEvents: EventsClient;
/** Invites (the organizer's) and joining (the attendee's). */
let organizerMembers: MembersClient;
let attendeeMembers: MembersClient;

const user = (organizer: boolean) => stack.outputs.demoUsers.find((candidate) => candidate.groups.includes('organizers') === organizer)!;

/** Distinct bytes per call: the event keeps one photo per SHA-256. */
let pixels = 0;
const photoFile = (name: string, width = 24, height = 16) => ({ name, mimeType: 'image/png', buffer: png(width + pixels++, height) });

beforeAll(async () => {
  ({ stack, web, browser, stop } = await startAppInBrowser('web-it', { web: { pageSize: PAGE_SIZE } }));
  const { outputs } = stack;

  const token = async (organizer: boolean) =>
    (
      await signIn({
        cognitoEndpoint: outputs.cognitoEndpoint,
        region: outputs.region,
        userPoolId: outputs.userPoolId,
        clientId: outputs.userPoolClientId,
        email: user(organizer).email,
        password: user(organizer).password,
      })
    ).idToken;
  const attendeeToken = await token(false);
  const organizerToken = await token(true);
  attendeeApi = createPhotosClient({ apiUrl: outputs.apiUrl, eventId: outputs.demoEventId, getToken: () => attendeeToken });
  organizerEvents = createEventsClient({ apiUrl: outputs.apiUrl, getToken: () => organizerToken });
  organizerMembers = createMembersClient({ apiUrl: outputs.apiUrl, getToken: () => organizerToken });
  attendeeMembers = createMembersClient({ apiUrl: outputs.apiUrl, getToken: () => attendeeToken });

  // The same client package from Node (fetch instead of XHR): five seeds, more than one page, and
  // one wide logo-like image that a cropped square would cut.
  const seeds = [1, 2, 3, 4].map((n) => new File([new Uint8Array(png(40 + n, 30))], `Seed ${n}.png`, { type: 'image/png' }));
  const wide = new File([new Uint8Array(png(400, 40))], 'Wide logo.png', { type: 'image/png' });
  const results = await attendeeApi.uploadPhotos([...seeds, wide], { concurrency: 1 });
  expect(results.map((result) => result.state)).toEqual(['done', 'done', 'done', 'done', 'done']);
});

afterAll(async () => {
  await stop?.();
});

interface Tab {
  context: BrowserContext;
  page: Page;
  /** Errors the page threw, and every Content-Security-Policy violation it reported (as an Error). */
  pageErrors: Error[];
  /** Requests that failed (the S3 PUTs once showed as net::ERR_ABORTED). */
  failedRequests: string[];
}

async function openApp(viewport = DESKTOP): Promise<Tab> {
  const context = await browser.newContext({ viewport });
  const pageErrors: Error[] = [];
  // The app's policy (services/web/src/csp.ts) allows exactly the endpoints config.json names: a
  // request or a script it blocks is a failure of the test.
  await watchPolicyViolations(context, (violation) => pageErrors.push(new Error(`CSP: ${violation}`)));
  const page = await context.newPage();
  const failedRequests: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  page.on('requestfailed', (request) => failedRequests.push(`${request.method()} ${request.url()} ${request.failure()?.errorText}`));
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(web.url);
  return { context, page, pageErrors, failedRequests };
}

async function signInAs(page: Page, organizer = false): Promise<void> {
  await page.getByLabel('Email').fill(user(organizer).email);
  await page.getByLabel('Password').fill(user(organizer).password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
}

async function openDemoEvent(page: Page): Promise<void> {
  await page.getByRole('link', { name: DEMO_EVENT.name }).click();
  await page.getByRole('heading', { name: DEMO_EVENT.name, level: 1 }).waitFor();
}

/** The whole page; with a dialog open, what the screen shows (the dialog sits in the viewport). */
const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
const gridTitles = (page: Page) => page.locator('#photo-grid > li .photo-title').allTextContents();
const rowStates = (page: Page) =>
  page.locator('#upload-list > li').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset['state']));
const progressValues = (page: Page) =>
  page.locator('#upload-list progress').evaluateAll((bars) => bars.map((bar) => (bar as HTMLProgressElement).value));

async function waitForRows(page: Page, count: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const states = await rowStates(page);
        return states.length === count && states.every((state) => ['done', 'duplicate', 'failed', 'cancelled'].includes(state!));
      },
      { timeout: 30_000 },
    )
    .toBe(true);
}

/** The images of these titles, decoded: [naturalWidth, naturalHeight] each. */
async function decodedSizes(page: Page, titles: string[]): Promise<number[][]> {
  const sizes: number[][] = [];
  for (const title of titles) {
    const image = page.locator('#photo-grid > li', { has: page.locator('.photo-title', { hasText: title }) }).locator('img');
    await image.scrollIntoViewIfNeeded();
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 10_000 })
      .toBe(true);
    // The pixels of what the browser chose (naturalWidth is scaled by the srcset's density), read
    // here: the page's policy lets it load images from the CDN, not fetch them.
    const source = await image.evaluate((img: HTMLImageElement) => img.currentSrc);
    const { width, height } = await sharp(Buffer.from(await (await fetch(source)).arrayBuffer())).metadata();
    sizes.push([width, height]);
  }
  return sizes;
}

/** axe-core (WCAG 2.1 A and AA rules): what it finds serious or critical, by rule and target. */
async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (include) builder.include(include);
  const { violations } = await builder.analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

describe('web app in Chromium', () => {
  it('signs in, uploads three photos through the file input, edits one, deletes one, and keeps it all after a reload and in a new tab', async () => {
    const { context, page, pageErrors, failedRequests } = await openApp();
    try {
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, 'desktop-1-sign-in');
      await signInAs(page);
      await shot(page, 'desktop-2-events');
      await openDemoEvent(page);
      expect(await page.title()).toBe(`${DEMO_EVENT.name} · Event Photos`);

      // Record every value each progress bar takes.
      await page.evaluate(() => {
        const seen: Record<string, number[]> = {};
        (window as unknown as { progressSeen: typeof seen }).progressSeen = seen;
        new MutationObserver(() => {
          for (const bar of document.querySelectorAll<HTMLProgressElement>('#upload-list progress')) {
            const name = bar.getAttribute('aria-label')!;
            const values = (seen[name] ??= []);
            if (values.at(-1) !== bar.value) values.push(bar.value);
          }
        }).observe(document.getElementById('upload-list')!, { subtree: true, childList: true, attributes: true });
      });
      await page
        .getByLabel('Choose photos')
        .setInputFiles([photoFile('Keynote.png', 64, 48), photoFile('Lunch.png', 48, 64), photoFile('Panel.png', 80, 20)]);
      await waitForRows(page, 3);
      expect(await rowStates(page)).toEqual(['done', 'done', 'done']);
      expect(await progressValues(page)).toEqual([100, 100, 100]);
      const seen = await page.evaluate(() => (window as unknown as { progressSeen: Record<string, number[]> }).progressSeen);
      expect(Object.keys(seen).sort()).toEqual(['Upload of Keynote.png', 'Upload of Lunch.png', 'Upload of Panel.png']);
      for (const values of Object.values(seen)) expect(values.at(-1)).toBe(100);
      expect(await page.locator('#upload-summary').textContent()).toBe('3 added.');
      await shot(page, 'desktop-3-uploaded');

      // The three are in the gallery, titled after their files, with decoded images.
      expect((await gridTitles(page)).slice(0, 3).sort()).toEqual(['Keynote', 'Lunch', 'Panel']);
      const sizes = await decodedSizes(page, ['Keynote', 'Lunch', 'Panel']);
      expect(sizes.map(([, height]) => height)).toEqual([48, 64, 20]);
      expect(sizes.every(([width]) => width! > 0)).toBe(true);
      // Each tile shows a WebP rendition, never the original (the URLs are signed: the path tells).
      expect(
        await page
          .locator('#photo-grid img')
          .evaluateAll((images: HTMLImageElement[]) =>
            images.slice(0, 3).map((img) => /_w\d+\.webp$/.test(new URL(img.currentSrc).pathname)),
          ),
      ).toEqual([true, true, true]);
      // Square tiles cropped to fill (the photo view shows each whole, below).
      expect(
        await page
          .locator('#photo-grid img')
          .first()
          .evaluate((img) => getComputedStyle(img).objectFit),
      ).toBe('cover');
      expect(await seriousViolations(page)).toEqual([]);

      // The lightbox: title, uploader's name, date; edit the title of one.
      await page
        .locator('#photo-grid > li', { has: page.locator('.photo-title', { hasText: 'Lunch' }) })
        .getByRole('button')
        .click();
      const lightbox = page.getByRole('dialog');
      await lightbox.getByRole('heading', { name: 'Lunch' }).waitFor();
      expect(await lightbox.locator('#lightbox-meta').textContent()).toMatch(/^Uploaded by attendee \(you\) · .*\d/);
      // The lightbox shows a rendition and links the original file, as uploaded.
      expect(await lightbox.locator('#lightbox-image').evaluate((img: HTMLImageElement) => new URL(img.currentSrc).pathname)).toMatch(
        /_w\d+\.webp$/,
      );
      expect(new URL((await lightbox.getByRole('link', { name: 'Original file' }).getAttribute('href'))!).pathname).toMatch(
        /\/photos\/event_[^/]+\/[0-9a-f-]{36}\.png$/,
      );
      expect(await lightbox.locator('#lightbox-image').evaluate((img) => getComputedStyle(img).objectFit)).toBe('contain');
      expect(await seriousViolations(page, '#lightbox')).toEqual([]);
      await shot(page, 'desktop-4-lightbox', false);
      await lightbox.getByLabel('Title').fill('Lunch on the terrace 🍜');
      await lightbox.getByRole('button', { name: 'Save' }).click();
      await lightbox.getByRole('heading', { name: 'Lunch on the terrace 🍜' }).waitFor();
      await lightbox.getByRole('button', { name: 'Close' }).click();
      expect(await gridTitles(page)).toContain('Lunch on the terrace 🍜');

      // Delete another from its lightbox.
      await page
        .locator('#photo-grid > li', { has: page.locator('.photo-title', { hasText: 'Panel' }) })
        .getByRole('button')
        .click();
      await lightbox.getByRole('heading', { name: 'Panel' }).waitFor();
      await lightbox.getByRole('button', { name: 'Delete photo' }).click();
      await expect.poll(() => gridTitles(page), { timeout: 10_000 }).not.toContain('Panel');
      await page.keyboard.press('Escape');

      // A reload lists the result from the API; so does a new tab (the session is shared).
      await page.reload();
      await page.getByRole('heading', { name: DEMO_EVENT.name, level: 1 }).waitFor();
      await expect.poll(() => gridTitles(page)).toEqual(expect.arrayContaining(['Lunch on the terrace 🍜', 'Keynote']));
      expect(await gridTitles(page)).not.toContain('Panel');
      const second = await context.newPage();
      await second.goto(page.url());
      await second.getByRole('heading', { name: DEMO_EVENT.name, level: 1 }).waitFor();
      expect(await second.getByLabel('Password').count()).toBe(0);
      // Nothing failed until here; signing out stops the screen's requests on purpose (aborted).
      expect(failedRequests).toEqual([]);
      // Signing out in one tab signs out the other.
      await second.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();

      const listed = [];
      for await (const photo of attendeeApi.photos()) listed.push(photo.title);
      expect(listed).toEqual(expect.arrayContaining(['Lunch on the terrace 🍜', 'Keynote']));
      expect(listed).not.toContain('Panel');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('at phone width: five photos dragged in upload and show, and nothing scrolls sideways', async () => {
    const { context, page, pageErrors, failedRequests } = await openApp(PHONE);
    try {
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      await shot(page, 'phone-1-sign-in');
      await signInAs(page);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      await shot(page, 'phone-2-events');
      await openDemoEvent(page);

      const files = Array.from({ length: 5 }, (_, n) =>
        photoFile(`Dropped photo number ${n + 1} with a rather long file name.png`, 30, 30),
      );
      const dataTransfer = await page.evaluateHandle(
        (given) => {
          const transfer = new DataTransfer();
          for (const file of given) transfer.items.add(new File([new Uint8Array(file.bytes)], file.name, { type: 'image/png' }));
          return transfer;
        },
        files.map((file) => ({ name: file.name, bytes: [...file.buffer] })),
      );
      await page.locator('#drop-zone').dispatchEvent('dragover', { dataTransfer });
      expect(await page.locator('#drop-zone').getAttribute('class')).toContain('dragging');
      await page.locator('#drop-zone').dispatchEvent('drop', { dataTransfer });
      await waitForRows(page, 5);
      expect(await rowStates(page)).toEqual(['done', 'done', 'done', 'done', 'done']);
      expect(await progressValues(page)).toEqual([100, 100, 100, 100, 100]);
      const titles = files.map((file) => file.name.replace('.png', ''));
      expect((await decodedSizes(page, titles)).every(([width]) => width! > 0)).toBe(true);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'phone-3-uploaded');

      await page.locator('#photo-grid > li').first().getByRole('button').click();
      await page.getByRole('dialog').waitFor();
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      await shot(page, 'phone-4-lightbox', false);
      expect(failedRequests).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows the bytes sent as they go (XMLHttpRequest upload progress), on a slow connection', async () => {
    const { context, page } = await openApp();
    try {
      await signInAs(page);
      await openDemoEvent(page);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 20,
        downloadThroughput: -1,
        uploadThroughput: 1024 * 1024,
      });
      await page.evaluate(() => {
        const seen: number[] = [];
        (window as unknown as { seen: number[] }).seen = seen;
        new MutationObserver(() => {
          const bar = document.querySelector<HTMLProgressElement>('#upload-list progress');
          if (bar && seen.at(-1) !== bar.value) seen.push(bar.value);
        }).observe(document.getElementById('upload-list')!, { subtree: true, childList: true, attributes: true });
      });
      // 2 MiB at 1 MiB/s: about two seconds of upload (random bytes framed as a JPEG, which is
      // what processing checks).
      await page.getByLabel('Choose photos').setInputFiles({ name: 'Big.jpg', mimeType: 'image/jpeg', buffer: jpegBytes(2 * 1024 * 1024) });
      await waitForRows(page, 1);
      expect(await rowStates(page)).toEqual(['done']);
      const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
      expect(seen.at(-1)).toBe(100);
      // Values between the start and the end: the bar moved with the bytes, not in one jump.
      expect(seen.filter((value) => value > 5 && value < 95).length).toBeGreaterThanOrEqual(3);
    } finally {
      await context.close();
    }
  });

  it('refuses a file that is too big or not a photo in plain words, before any request', async () => {
    const { context, page, pageErrors } = await openApp();
    try {
      await signInAs(page);
      await openDemoEvent(page);
      const initiations: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/initiate-upload')) initiations.push(request.url());
      });
      const big = { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(31 * 1024 * 1024) };
      await page
        .getByLabel('Choose photos')
        .setInputFiles([big, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') }]);
      await waitForRows(page, 2);
      expect(await page.locator('#upload-list .upload-status').allTextContents()).toEqual([
        'photo.jpg is 31 MB; the limit is 25 MB.',
        'notes.txt is not a photo this app takes; use JPEG, PNG, WebP, GIF, AVIF or HEIC.',
      ]);
      // Trying again would fail the same way: no Retry.
      expect(await page.getByRole('button', { name: 'Retry photo.jpg' }).isHidden()).toBe(true);
      expect(initiations).toEqual([]);
      await shot(page, 'desktop-5-refused');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('recognises a photo the event holds before sending a byte', async () => {
    const { context, page } = await openApp();
    try {
      await signInAs(page);
      await openDemoEvent(page);
      const puts: string[] = [];
      page.on('request', (request) => {
        if (request.method() === 'PUT') puts.push(request.url());
      });
      await page.getByLabel('Choose photos').setInputFiles({ name: 'Seed again.png', mimeType: 'image/png', buffer: png(41, 30) });
      await waitForRows(page, 1);
      expect(await rowStates(page)).toEqual(['duplicate']);
      expect(await page.locator('#upload-list .upload-status').textContent()).toBe(
        'Seed again.png is already in this event, as “Seed 1”; it was not sent again.',
      );
      expect(puts).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('retries a PUT that failed on the network, and cancels and retries one on request', async () => {
    const { context, page } = await openApp();
    try {
      await signInAs(page);
      await openDemoEvent(page);
      const s3 = `${stack.outputs.s3Endpoint}/**`;
      // The first PUT loses its connection: the client tries again by itself.
      let puts = 0;
      await page.route(s3, (route) =>
        route.request().method() === 'PUT' && ++puts === 1 ? route.abort('connectionreset') : route.continue(),
      );
      await page.getByLabel('Choose photos').setInputFiles(photoFile('Flaky.png'));
      await waitForRows(page, 1);
      expect(await rowStates(page)).toEqual(['done']);
      expect(puts).toBe(2);
      await page.unrouteAll();

      // A PUT held until cancelled; then Retry sends it.
      let hold = true;
      await page.route(s3, async (route) => {
        while (hold && route.request().method() === 'PUT') await new Promise((resolve) => setTimeout(resolve, 50));
        await route.continue().catch(() => undefined);
      });
      await page.getByLabel('Choose photos').setInputFiles(photoFile('Slow.png'));
      await expect.poll(() => rowStates(page)).toEqual(['done', 'uploading']);
      await page.getByRole('button', { name: 'Cancel Slow.png' }).click();
      await expect.poll(() => rowStates(page)).toEqual(['done', 'cancelled']);
      expect(await page.locator('#upload-list .upload-status').nth(1).textContent()).toBe('Slow.png was not uploaded: cancelled.');
      hold = false;
      await page.getByRole('button', { name: 'Retry Slow.png' }).click();
      await expect.poll(() => rowStates(page), { timeout: 30_000 }).toEqual(['done', 'done']);
      await expect.poll(() => gridTitles(page)).toContain('Slow');
    } finally {
      await context.close();
    }
  });

  it('shows photos others upload while the gallery is open, and loads more as it scrolls', async () => {
    const { context, page, pageErrors } = await openApp();
    try {
      await signInAs(page);
      await openDemoEvent(page);
      await expect.poll(async () => (await gridTitles(page)).length).toBeGreaterThanOrEqual(PAGE_SIZE);
      // Scrolling to the end asks for the next pages: the first seed is the oldest photo.
      await expect
        .poll(
          async () => {
            await page
              .locator('#load-more')
              .evaluate((button) => button.scrollIntoView())
              .catch(() => undefined);
            return gridTitles(page);
          },
          { timeout: 15_000 },
        )
        .toContain('Seed 1');

      const [result] = await attendeeApi.uploadPhotos([
        new File([new Uint8Array(png(33, 33))], 'Live from the hall.png', { type: 'image/png' }),
      ]);
      expect(result!.state).toBe('done');
      await expect.poll(async () => (await gridTitles(page))[0], { timeout: 20_000 }).toBe('Live from the hall');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('steps through photos with the keyboard and a swipe, and deletes several at once', async () => {
    const { context, page } = await openApp();
    try {
      await signInAs(page);
      await openDemoEvent(page);
      await page.getByLabel('Choose photos').setInputFiles([photoFile('Batch A.png'), photoFile('Batch B.png')]);
      await waitForRows(page, 2);

      const titles = await gridTitles(page);
      await page.locator('#photo-grid > li').first().getByRole('button').click();
      const heading = page.getByRole('dialog').locator('#lightbox-title');
      await expect.poll(() => heading.textContent()).toBe(titles[0]);
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => heading.textContent()).toBe(titles[1]);
      const box = (await page.locator('#lightbox-image').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
      await expect.poll(() => heading.textContent()).toBe(titles[0]);
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'Select', exact: true }).click();
      await page.getByLabel('Select “Batch A”').check();
      await page.getByLabel('Select “Batch B”').check();
      await page.getByRole('button', { name: 'Delete 2 selected' }).click();
      await expect.poll(() => gridTitles(page)).not.toEqual(expect.arrayContaining(['Batch A']));
      expect(await gridTitles(page)).not.toContain('Batch B');
      const listed = [];
      for await (const photo of attendeeApi.photos()) listed.push(photo.title);
      expect(listed).not.toContain('Batch A');
      expect(listed).not.toContain('Batch B');
    } finally {
      await context.close();
    }
  });

  it('keeps each event to itself, and says so for an unknown one', async () => {
    await organizerEvents.createEvent({ eventId: 'other-event', name: 'Other Event 2026' }).catch(() => undefined);
    // Events are private: the attendee joins it with an invite of its organizer.
    const { code } = await organizerMembers.createInvite('other-event', { upload: true, viewOthers: true, downloadOriginals: true });
    await attendeeMembers.join('other-event', code);
    const { context, page } = await openApp();
    try {
      await signInAs(page);
      await openDemoEvent(page);
      await page.getByLabel('Choose photos').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
      await waitForRows(page, 1);
      await page.getByRole('link', { name: '← All events' }).click();
      await page.getByRole('link', { name: 'Other Event 2026' }).click();
      await page.getByRole('heading', { name: 'Other Event 2026', level: 1 }).waitFor();
      expect(await rowStates(page)).toEqual([]);
      expect(await page.locator('#upload-summary').textContent()).toBe('');
      await page.getByText('No photos yet. Be the first to add one.').waitFor();
      // An upload here counts only itself, and lands in this event only.
      await page.getByLabel('Choose photos').setInputFiles(photoFile('Elsewhere.png'));
      await waitForRows(page, 1);
      expect(await page.locator('#upload-summary').textContent()).toBe('1 added.');
      expect(await gridTitles(page)).toEqual(['Elsewhere']);
      expect(await page.locator('#event-heading').textContent()).toBe('Other Event 2026');

      await page.goto(`${web.url}/?event=no-such-event`);
      await page.getByRole('heading', { name: 'No such event' }).waitFor();
      expect(await page.getByLabel('Choose photos').count()).toBe(0);
      await page.goBack();
      await page.getByRole('heading', { name: 'Other Event 2026', level: 1 }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('lets an organizer create, rename and close an event, and share an invite link whose QR code opens its upload page on a phone', async () => {
    const { context, page, pageErrors } = await openApp();
    try {
      await signInAs(page, true);
      await page.getByLabel('Name', { exact: true }).fill('Summit · Seoul 2026');
      expect(await page.getByLabel(/^Link name/).inputValue()).toBe('summit-seoul-2026');
      await page.getByRole('button', { name: 'Create event' }).click();
      await page.getByRole('heading', { name: 'Summit · Seoul 2026', level: 1 }).waitFor();
      await shot(page, 'desktop-6-organizer');

      const settings = page.locator('#event-settings');
      await settings.getByLabel('Name', { exact: true }).fill('Summit 2026, Seoul');
      await settings.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('heading', { name: 'Summit 2026, Seoul', level: 1 }).waitFor();

      // An invite link, made in the app: its QR code, decoded from a screenshot, is the link shown.
      await page.getByRole('button', { name: 'Create an invite link' }).click();
      const qr = page.locator('#share-qr svg');
      await qr.waitFor();
      const link = await decodeQr(page, qr);
      // The renamed event's name travels in the link: the guest's page greets them with it before they sign in.
      expect(link).toMatch(new RegExp(`^${web.url}/\\?event=summit-seoul-2026&invite=[A-Za-z0-9_-]{43}&name=Summit\\+2026%2C\\+Seoul$`));
      expect(await page.getByLabel('Link', { exact: true }).inputValue()).toBe(link);

      // On a phone (its own browser), the link greets with the event's name; signed in there, the
      // attendee joins and lands on the upload page, the code gone from the address bar.
      const phone = await browser.newContext({ viewport: PHONE });
      try {
        const phonePage = await phone.newPage();
        await phonePage.goto(link!);
        await phonePage.getByRole('heading', { name: 'Add your photos to “Summit 2026, Seoul”' }).waitFor();
        await phonePage.getByRole('button', { name: 'I have an account: sign in' }).click();
        await phonePage.getByLabel('Email').fill(user(false).email);
        await phonePage.getByLabel('Password').fill(user(false).password);
        await phonePage.getByRole('button', { name: 'Sign in', exact: true }).click();
        await phonePage.getByRole('heading', { name: 'Summit 2026, Seoul', level: 1, exact: true }).waitFor();
        expect(new URL(phonePage.url()).search).toBe('?event=summit-seoul-2026');
        expect(await phonePage.getByLabel('Choose photos').count()).toBe(1);
        expect(await scrollWidth(phonePage)).toBeLessThanOrEqual(PHONE.width);
        await shot(phonePage, 'phone-5-shared-link');
      } finally {
        await phone.close();
      }

      // Closed: no upload panel, a notice instead; the API refuses uploads too.
      await page.getByRole('button', { name: 'Close to new photos' }).click();
      await page.getByText('This event is closed: it takes no more photos.').waitFor();
      expect(await page.locator('#upload-panel').isHidden()).toBe(true);
      expect((await organizerEvents.getEvent('summit-seoul-2026')).open).toBe(false);
      await page.getByRole('button', { name: 'Open to new photos' }).click();
      await page.locator('#upload-panel').waitFor();
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('uploads through real @uppy/core and @uppy/aws-s3 with our getUploadParameters (the optional example)', async () => {
    const { context, page, pageErrors, failedRequests } = await openApp();
    try {
      await signInAs(page);
      await page.getByRole('link', { name: DEMO_EVENT.name }).waitFor(); // the list's request is done
      await page.goto(`${web.url}/examples/uppy.html?event=${stack.outputs.demoEventId}`);
      await page
        .getByLabel('Photos')
        .setInputFiles([
          photoFile('Uppy one.png'),
          photoFile('Uppy two.png'),
          { name: 'Seed copy.png', mimeType: 'image/png', buffer: png(42, 30) },
        ]);
      await page.getByRole('button', { name: 'Upload' }).click();
      const texts = page.locator('#uppy-list .upload-status');
      await expect
        .poll(() => texts.allTextContents(), { timeout: 30_000 })
        .toEqual([
          'Sent: it appears in the gallery once processed.',
          'Sent: it appears in the gallery once processed.',
          'Seed copy.png is already in this event, as “Seed 2”.',
        ]);
      expect(
        await page.locator('#uppy-list progress').evaluateAll((bars) => bars.map((bar) => (bar as HTMLProgressElement).value)),
      ).toEqual([100, 100, 0]);
      await expect
        .poll(
          async () => {
            const titles = [];
            for await (const photo of attendeeApi.photos({ q: 'Uppy' })) titles.push(photo.title);
            return titles.sort();
          },
          { timeout: 15_000 },
        )
        .toEqual(['Uppy one', 'Uppy two']);
      await shot(page, 'desktop-7-uppy-example');
      expect(failedRequests).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('signs in with SRP: InitiateAuth USER_SRP_AUTH, then PASSWORD_VERIFIER, and the password never leaves the page', async () => {
    const { context, page, pageErrors } = await openApp();
    try {
      const calls: Array<{ target: string; body: string }> = [];
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().startsWith(stack.outputs.cognitoEndpoint)) {
          calls.push({ target: request.headers()['x-amz-target'] ?? '', body: request.postData() ?? '' });
        }
      });
      await signInAs(page);
      expect(calls.map((call) => call.target)).toEqual([
        'AWSCognitoIdentityProviderService.InitiateAuth',
        'AWSCognitoIdentityProviderService.RespondToAuthChallenge',
      ]);
      expect(JSON.parse(calls[0]!.body)).toMatchObject({
        AuthFlow: 'USER_SRP_AUTH',
        AuthParameters: { USERNAME: user(false).email, SRP_A: expect.stringMatching(/^[0-9a-f]+$/) },
      });
      expect(JSON.parse(calls[1]!.body)).toMatchObject({
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: { PASSWORD_CLAIM_SIGNATURE: expect.any(String) },
      });
      for (const call of calls) expect(call.body).not.toContain(user(false).password);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses a wrong password with a message', async () => {
    const { context, page } = await openApp();
    try {
      await page.getByLabel('Email').fill(user(false).email);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('#sign-in-message').textContent()).toBe('Incorrect email or password.');
      expect(await page.getByRole('heading', { name: 'Events' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
