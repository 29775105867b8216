import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPhotosClient, signIn, type PhotosClient } from '@event-photos/client';
import { startLocalStack, type LocalStack } from '@event-photos/local-stack';
import { launchChromium } from '@event-photos/testing/browser';
import { png } from '@event-photos/testing/fixtures';
import { startWebServer, type WebServer } from '#lib/server';

// The web app in a real browser (the Chromium that npm ci brings, driven by playwright-core)
// against the local stack: Cognito sign-in, API calls and the presigned PUT all cross origins,
// as they do on AWS.

const TITLE = '키노트 연설 🎤';
const DESCRIPTION = '첫째 날 기조연설 · Day 1';
const PAGE_SIZE = 2;

let dataDir: string;
let stack: LocalStack;
let web: WebServer;
let browser: Browser;
let api: PhotosClient;

const attendee = () => stack.outputs.demoUsers.find((user) => user.groups.length === 0)!;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-web-it-'));
  stack = await startLocalStack({ dataDir, retryDelaysMs: [50, 100] });
  const { outputs } = stack;
  web = await startWebServer({
    port: 0,
    config: {
      apiUrl: outputs.apiUrl,
      cognitoEndpoint: outputs.cognitoEndpoint,
      region: outputs.region,
      userPoolClientId: outputs.userPoolClientId,
      demoEventId: outputs.demoEventId,
      pageSize: PAGE_SIZE,
    },
  });
  browser = await launchChromium();

  // The same client package, from Node: seeds three photos so the grid has more than one page.
  const { idToken } = await signIn({
    cognitoEndpoint: outputs.cognitoEndpoint,
    region: outputs.region,
    clientId: outputs.userPoolClientId,
    email: attendee().email,
    password: attendee().password,
  });
  api = createPhotosClient({ apiUrl: outputs.apiUrl, eventId: outputs.demoEventId, getToken: () => idToken });
  for (const n of [1, 2, 3]) {
    const { photoId } = await api.uploadFile(new Blob([new Uint8Array(png(8, 8 + n))], { type: 'image/png' }), { title: `Seed ${n}` });
    await api.waitForPhoto(photoId, { timeoutMs: 10_000 });
  }
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A fresh browser context (no session), signed in as the demo attendee. */
async function signedInPage(viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page; pageErrors: Error[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  await page.goto(web.url);
  await page.getByLabel('Email').fill(attendee().email);
  await page.getByLabel('Password').fill(attendee().password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `Photos of ${stack.outputs.demoEventId}` }).waitFor();
  return { context, page, pageErrors };
}

const gridTitles = (page: Page) => page.locator('#photo-grid > li .photo-title').allTextContents();

describe('web app in Chromium', () => {
  it('signs in, pages through the grid, uploads a PNG and shows it', async () => {
    const { context, page, pageErrors } = await signedInPage();
    try {
      // First page, then "Load more" until the cursor runs out.
      await expect.poll(() => gridTitles(page)).toEqual(['Seed 3', 'Seed 2']);
      const loadMore = page.getByRole('button', { name: 'Load more' });
      await loadMore.click();
      await expect.poll(() => gridTitles(page)).toEqual(['Seed 3', 'Seed 2', 'Seed 1']);
      expect(await loadMore.isHidden()).toBe(true);

      // Record every state the status line goes through.
      await page.evaluate(() => {
        const status = document.getElementById('upload-status')!;
        const states: string[] = [];
        (window as unknown as { uploadStates: string[] }).uploadStates = states;
        new MutationObserver(() => states.push(status.dataset['state'] ?? '')).observe(status, {
          attributes: true,
          attributeFilter: ['data-state'],
        });
      });
      const image = png(32, 24);
      await page.getByLabel('Photo file').setInputFiles({ name: 'keynote.png', mimeType: 'image/png', buffer: image });
      await page.getByLabel('Title').fill(TITLE);
      await page.getByLabel('Description').fill(DESCRIPTION);
      await page.getByRole('button', { name: 'Upload' }).click();

      const status = page.locator('#upload-status');
      await page.locator('#upload-status[data-state="done"], #upload-status[data-state="error"]').waitFor({ timeout: 30_000 });
      expect(await status.textContent()).toBe(`Done: “${TITLE}” is in the gallery.`);
      const states = await page.evaluate(() => (window as unknown as { uploadStates: string[] }).uploadStates);
      expect(states).toEqual(['initiating', 'uploading', 'processing', 'done']);

      // The new photo comes first in the grid, with its exact title, and its image loads from the CDN.
      const item = page.locator('#photo-grid > li').first();
      expect(await item.locator('.photo-title').textContent()).toBe(TITLE);
      expect(await item.locator('.photo-description').textContent()).toBe(DESCRIPTION);
      const img = item.locator('img');
      await img.scrollIntoViewIfNeeded();
      await expect
        .poll(() => img.evaluate((element: HTMLImageElement) => (element.complete ? [element.naturalWidth, element.naturalHeight] : null)), {
          timeout: 10_000,
        })
        .toEqual([32, 24]);

      // What the API stored, and what the CDN serves: the exact title and the exact bytes.
      const photoId = await item.getAttribute('data-photo-id');
      const stored = await api.getPhoto(photoId!);
      expect(stored).toMatchObject({ status: 'ready', title: TITLE, description: DESCRIPTION, contentType: 'image/png', size: image.length });
      expect(await img.getAttribute('src')).toBe(stored.status === 'ready' ? stored.url : 'not ready');
      const served = await fetch(stored.status === 'ready' ? stored.url : '');
      expect(Buffer.from(await served.arrayBuffer()).equals(image)).toBe(true);

      // A reload keeps the session (this tab) and lists the photo from the API.
      await page.reload();
      await expect.poll(() => gridTitles(page)).toEqual([TITLE, 'Seed 3']);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("shows the API's 4xx message and marks the field for bad input", async () => {
    const { context, page, pageErrors } = await signedInPage();
    try {
      const status = page.locator('#upload-status');
      const submit = async () => {
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/photos/initiate-upload') && r.request().method() === 'POST'),
          page.getByRole('button', { name: 'Upload' }).click(),
        ]);
        await page.locator('#upload-status[data-state="error"]').waitFor();
        return response.status();
      };

      // A file type the API does not take.
      await page.getByLabel('Photo file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
      await page.getByLabel('Title').fill('Notes');
      expect(await submit()).toBe(400);
      expect(await status.textContent()).toMatch(/^Upload failed: contentType must be one of image\/jpeg, image\/png/);
      expect(await page.getByLabel('Photo file').getAttribute('aria-invalid')).toBe('true');

      // A title of spaces passes the browser's `required` but not the API.
      await page.getByLabel('Photo file').setInputFiles({ name: 'ok.png', mimeType: 'image/png', buffer: png(4, 4) });
      await page.getByLabel('Title').fill('   ');
      expect(await submit()).toBe(400);
      expect(await status.textContent()).toBe('Upload failed: title must not be empty');
      expect(await page.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByLabel('Photo file').getAttribute('aria-invalid')).toBeNull();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('upload-title');

      expect(await gridTitles(page)).not.toContain('Notes');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits a phone: no horizontal scrolling at 390 px, with a long title typed in', async () => {
    const { context, page, pageErrors } = await signedInPage({ width: 390, height: 844 });
    try {
      await page.getByLabel('Title').fill('A rather long title for a photo of the keynote on the main stage, day one');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses a wrong password with a message', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(web.url);
      await page.getByLabel('Email').fill(attendee().email);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const message = page.locator('#sign-in-message');
      await expect.poll(() => message.textContent()).toBe('Incorrect email or password.');
      expect(await page.locator('#event-section').isHidden()).toBe(true);
    } finally {
      await context.close();
    }
  });
});
