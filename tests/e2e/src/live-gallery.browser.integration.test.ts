import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEventsClient,
  createMembersClient,
  createPhotosClient,
  signIn,
  type EventsClient,
  type PhotosClient,
} from '@event-photos/client';
import type { InviteRights, PhotoView } from '@event-photos/core';
import { DEMO_USERS, type LocalStack } from '@event-photos/local-stack';
import { png } from '@event-photos/testing/fixtures';
import type { WebServer } from '@event-photos/web/server';
import { DESKTOP, PHONE, SCREENSHOTS, scrollWidth, watchPolicyViolations } from './support/browser-pages';
import { startAppInBrowser } from './support/app-in-browser';
import { createUser } from './support/users';

// The live gallery, find, and what each member may download (issue 23 items 5 and 7, issue 22
// items 5 and 6), in Chromium against the local stack: a delete, an edit and closing the event,
// made in one browser, reach another browser's open gallery and photo view within 10 s; the photo
// view counts the event's photos, not the tiles loaded; the search box and "Only mine"; the
// uploader is told what others do not get and saves the untouched original, a member without
// downloadOriginals sees no "Original file" and saves the largest rendition. Screenshots at
// 1280x800 and 390x844 go to tests/e2e/screenshots/ (gitignored).

const PAGE_SIZE = 6;
/** The bound: a change reaches an open gallery within this. */
const LIVE_MS = 10_000;
const EVENT_ID = 'live-gallery';
const EVENT_NAME = 'Live Gallery 2026';
const VIEWER = { email: 'viewer@example.com', password: 'Viewer-Password-1!' };
/** The photos seeded. */
const TOTAL = 36;
const NO_DOWNLOADS: InviteRights = { upload: true, viewOthers: true, downloadOriginals: false };

let stack: LocalStack;
let web: WebServer;
let browser: Browser;
let stop: () => Promise<void>;
let organizerEvents: EventsClient;
let attendeePhotos: PhotosClient;
let organizerPhotos: PhotosClient;
/** The photos seeded, by title. */
const seeded = new Map<string, PhotoView>();
/** The bytes of each seeded file, by title: the untouched original must be these. */
const seededBytes = new Map<string, Buffer>();

const demo = (organizer: boolean) => DEMO_USERS.find((user) => user.groups.includes('organizers') === organizer)!;
const users = { attendee: demo(false), organizer: demo(true), viewer: VIEWER };
type Who = keyof typeof users;

beforeAll(async () => {
  ({ stack, web, browser, stop } = await startAppInBrowser('live-gallery', { web: { pageSize: PAGE_SIZE } }));
  await createUser(stack.outputs, VIEWER);

  const token = async (who: Who) =>
    (
      await signIn({
        cognitoEndpoint: stack.outputs.cognitoEndpoint,
        region: stack.outputs.region,
        userPoolId: stack.outputs.userPoolId,
        clientId: stack.outputs.userPoolClientId,
        email: users[who].email,
        password: users[who].password,
      })
    ).idToken;
  const [attendeeToken, organizerToken, viewerToken] = await Promise.all([token('attendee'), token('organizer'), token('viewer')]);
  const apiUrl = stack.outputs.apiUrl;
  organizerEvents = createEventsClient({ apiUrl, getToken: () => organizerToken });
  const organizerMembers = createMembersClient({ apiUrl, getToken: () => organizerToken });
  await organizerEvents.createEvent({ eventId: EVENT_ID, name: EVENT_NAME });
  const join = async (getToken: () => string, rights: InviteRights) =>
    createMembersClient({ apiUrl, getToken }).join(EVENT_ID, (await organizerMembers.createInvite(EVENT_ID, rights)).code);
  await join(() => attendeeToken, { ...NO_DOWNLOADS, downloadOriginals: true });
  await join(() => viewerToken, NO_DOWNLOADS);
  attendeePhotos = createPhotosClient({ apiUrl, eventId: EVENT_ID, getToken: () => attendeeToken });
  organizerPhotos = createPhotosClient({ apiUrl, eventId: EVENT_ID, getToken: () => organizerToken });

  // 32 of the attendee's (20 of a crowd first, the oldest), then 4 of the organizer's: more than
  // a screen loads at first. One at a time, so the gallery's order is the upload order, newest first.
  const named = ['Lunch on the terrace', 'Keynote', 'Panel', 'Lunch queue', 'Badges', 'Stage', 'Hallway', 'Posters'];
  const attendees = [...Array.from({ length: 20 }, (_, n) => `Crowd ${n + 1}`), ...named, 'Coffee', 'Workshop', 'Closing', 'Group photo'];
  const organizers = ['Organizer lunch', 'Organizer welcome', 'Organizer stage', 'Organizer thanks'];
  const files = (names: string[], offset: number) =>
    names.map((title, n) => {
      const bytes = png(60 + offset + n, 40 + (n % 7));
      seededBytes.set(title, bytes);
      return new File([new Uint8Array(bytes)], `${title}.png`, { type: 'image/png' });
    });
  for (const [client, names, offset] of [
    [attendeePhotos, attendees, 0],
    [organizerPhotos, organizers, 100],
  ] as const) {
    const results = await client.uploadPhotos(files([...names], offset), { concurrency: 1 });
    expect(results.map((result) => result.state)).toEqual(names.map(() => 'done'));
  }
  for await (const photo of attendeePhotos.photos()) seeded.set(photo.title, photo);
  expect(seeded.size).toBe(TOTAL);
}, 120_000);

afterAll(async () => {
  await stop?.();
});

interface Tab {
  context: BrowserContext;
  page: Page;
  /** Errors the page threw, and every Content-Security-Policy violation it reported. */
  pageErrors: Error[];
}

/** A signed-in browser of its own (its own storage), on the event's page. */
async function openEvent(who: Who, viewport = DESKTOP): Promise<Tab> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const pageErrors: Error[] = [];
  await watchPolicyViolations(context, (violation) => pageErrors.push(new Error(`CSP: ${violation}`)));
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error));
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(web.url);
  await page.getByLabel('Email').fill(users[who].email);
  await page.getByLabel('Password').fill(users[who].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
  await page.getByRole('link', { name: EVENT_NAME }).click();
  await page.getByRole('heading', { name: EVENT_NAME, level: 1 }).waitFor();
  await expect.poll(async () => (await gridTitles(page)).length).toBeGreaterThanOrEqual(PAGE_SIZE);
  await expect.poll(() => page.locator('#photo-grid').getAttribute('aria-busy'), { timeout: 10_000 }).toBe('false');
  return { context, page, pageErrors };
}

const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
const gridTitles = (page: Page) => page.locator('#photo-grid > li .photo-title').allTextContents();
const tile = (page: Page, title: string) => page.locator('#photo-grid > li', { has: page.locator('.photo-title', { hasText: title }) });
const lightbox = (page: Page) => page.getByRole('dialog');

async function openPhoto(page: Page, title: string): Promise<void> {
  // Older photos are on pages loaded as the end of the grid comes near: scroll until the tile is there.
  await expect
    .poll(
      async () => {
        if ((await tile(page, title).count()) > 0) return true;
        await page.locator('#load-more').evaluate((button) => button.scrollIntoView());
        return false;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  await tile(page, title).getByRole('button').first().click();
  await lightbox(page).getByRole('heading', { name: title }).waitFor();
}

/** How long until `check` holds, polled every 100 ms; fails after LIVE_MS. */
async function timeUntil(check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  await expect.poll(check, { timeout: LIVE_MS, interval: 100 }).toBe(true);
  return Date.now() - started;
}

describe('a live gallery', () => {
  it('brings a delete, an edit and the close made in one browser to another browser within 10 s, and counts the event’s photos', async () => {
    const organizer = await openEvent('organizer');
    const viewer = await openEvent('viewer', PHONE);
    try {
      // The photo view counts the event's 36 photos, not the tiles loaded.
      const loaded = (await gridTitles(viewer.page)).length;
      expect(loaded).toBeLessThan(TOTAL);
      const position = () => lightbox(viewer.page).locator('#lightbox-position').textContent();
      await openPhoto(viewer.page, 'Group photo');
      expect(await position()).toBe(`5 of ${TOTAL}`);
      // Stepping past the last tile loaded loads the next page.
      for (let at = 6; at <= loaded + 1; at++) {
        await viewer.page.keyboard.press('ArrowRight');
        await expect.poll(position).toBe(`${at} of ${TOTAL}`);
      }
      expect((await gridTitles(viewer.page)).length).toBeGreaterThan(loaded);
      await viewer.page.getByRole('button', { name: 'Close' }).click();
      await openPhoto(viewer.page, 'Closing');
      expect(await position()).toBe(`6 of ${TOTAL}`);
      await shot(viewer.page, 'live-phone-1-photo-view');

      // The organizer deletes "Workshop" (next to the photo the viewer looks at) and renames "Closing".
      await openPhoto(organizer.page, 'Workshop');
      await lightbox(organizer.page).getByRole('button', { name: 'Delete photo' }).click();
      const deleted = timeUntil(async () => !(await gridTitles(viewer.page)).includes('Workshop'));
      await expect.poll(() => gridTitles(organizer.page)).not.toContain('Workshop');
      expect(await deleted).toBeLessThanOrEqual(LIVE_MS);
      await expect.poll(position).toBe(`6 of ${TOTAL - 1}`);

      await organizer.page.keyboard.press('Escape');
      await openPhoto(organizer.page, 'Closing');
      await lightbox(organizer.page).getByLabel('Title').fill('Closing words, renamed');
      await lightbox(organizer.page).getByLabel('Description').fill('Edited in the other browser');
      await lightbox(organizer.page).getByRole('button', { name: 'Save' }).click();
      await lightbox(organizer.page).getByText('Saved.').waitFor();
      const edited = await timeUntil(async () => (await gridTitles(viewer.page)).includes('Closing words, renamed'));
      expect(edited).toBeLessThanOrEqual(LIVE_MS);
      // The viewer's photo view shows the edit too.
      await expect.poll(() => lightbox(viewer.page).locator('#lightbox-title').textContent()).toBe('Closing words, renamed');
      expect(await lightbox(viewer.page).locator('#lightbox-description').textContent()).toBe('Edited in the other browser');
      await shot(viewer.page, 'live-phone-2-edited-and-deleted');
      await shot(organizer.page, 'live-desktop-1-organizer-edit');
      await organizer.page.keyboard.press('Escape');

      // The organizer closes the event: the viewer's upload panel goes, the notice shows.
      await viewer.page.keyboard.press('Escape');
      expect(await viewer.page.locator('#upload-panel').isVisible()).toBe(true);
      await organizer.page.getByRole('button', { name: 'Close to new photos' }).click();
      await organizer.page.getByText('Closed: guests can no longer add photos.').waitFor();
      const closed = await timeUntil(async () => viewer.page.getByText('This event is closed: it takes no more photos.').isVisible());
      expect(closed).toBeLessThanOrEqual(LIVE_MS);
      expect(await viewer.page.locator('#upload-panel').isVisible()).toBe(false);
      expect(await scrollWidth(viewer.page)).toBeLessThanOrEqual(PHONE.width);
      await shot(viewer.page, 'live-phone-3-closed', true);
      console.log(`live gallery: delete reached the other browser in ${await deleted} ms, edit in ${edited} ms, close in ${closed} ms`);
      expect(organizer.pageErrors).toEqual([]);
      expect(viewer.pageErrors).toEqual([]);
    } finally {
      await organizerEvents.updateEvent(EVENT_ID, { open: true });
      await organizer.context.close();
      await viewer.context.close();
    }
  });
});

describe('find', () => {
  it('searches titles with the search box, keeps the caller’s own with "Only mine", and says when nothing matches', async () => {
    const { context, page, pageErrors } = await openEvent('attendee');
    try {
      await page.getByRole('searchbox', { name: 'Search titles and descriptions' }).fill('LUNCH');
      await expect.poll(() => gridTitles(page)).toEqual(['Organizer lunch', 'Lunch queue', 'Lunch on the terrace']);
      await openPhoto(page, 'Lunch queue');
      expect(await lightbox(page).locator('#lightbox-position').textContent()).toBe('2 of 3 found');
      await page.keyboard.press('Escape');
      await shot(page, 'find-desktop-1-search');

      await page.getByLabel('Only mine').check();
      await expect.poll(() => gridTitles(page)).toEqual(['Lunch queue', 'Lunch on the terrace']);
      await page.getByRole('searchbox').fill('');
      await expect.poll(async () => (await gridTitles(page)).length).toBeGreaterThanOrEqual(PAGE_SIZE);
      expect(await gridTitles(page)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^Organizer/)]));
      await shot(page, 'find-desktop-2-only-mine');
      await page.getByRole('searchbox').fill('no such photo');
      await page.getByRole('searchbox').press('Enter');
      await page.getByText('None of your photos matches “no such photo”.').waitFor();
      expect(await gridTitles(page)).toEqual([]);

      await page.getByLabel('Only mine').uncheck();
      await page.getByRole('searchbox').fill('');
      await expect.poll(() => gridTitles(page)).toContain('Organizer thanks');
      await openPhoto(page, 'Organizer thanks');
      // The event's count again, read anew once the filter is gone.
      await expect
        .poll(() => lightbox(page).locator('#lightbox-position').textContent())
        .toMatch(new RegExp(`^1 of (${TOTAL}|${TOTAL - 1})$`));
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('at phone width: the search and "Only mine" fit, and nothing scrolls sideways', async () => {
    const { context, page } = await openEvent('attendee', PHONE);
    try {
      await page.getByRole('searchbox', { name: 'Search titles and descriptions' }).fill('stage');
      await expect.poll(() => gridTitles(page)).toEqual(['Organizer stage', 'Stage']);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
      await page.locator('#gallery-search').scrollIntoViewIfNeeded();
      await shot(page, 'find-phone-1-search');
    } finally {
      await context.close();
    }
  });
});

describe('what each member may download', () => {
  it('tells the uploader what others do not get, and saves their untouched original; the Download button saves the published one', async () => {
    const { context, page, pageErrors } = await openEvent('attendee');
    try {
      await openPhoto(page, 'Keynote');
      const view = lightbox(page);
      await view
        .getByText('Location and device details (GPS position, camera serial number, owner name) are removed from what others download.', {
          exact: false,
        })
        .waitFor();
      expect(await view.getByRole('link', { name: 'Original file' }).isVisible()).toBe(true);
      await shot(page, 'downloads-desktop-1-uploader');

      const [untouched] = await Promise.all([
        page.waitForEvent('download'),
        view.getByRole('button', { name: 'Download my untouched original' }).click(),
      ]);
      expect(await readFile((await untouched.path())!)).toEqual(seededBytes.get('Keynote'));
      // The page stayed (the presigned GET answers as an attachment).
      expect(await view.isVisible()).toBe(true);

      const [published] = await Promise.all([
        page.waitForEvent('download'),
        view.getByRole('button', { name: 'Download', exact: true }).click(),
      ]);
      expect(published.suggestedFilename()).toBe('Keynote.png');
      const served = await fetch(seeded.get('Keynote')!.url!);
      expect(await readFile((await published.path())!)).toEqual(Buffer.from(await served.arrayBuffer()));
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows a member without downloadOriginals no "Original file" and no untouched original; Download saves the largest rendition', async () => {
    const { context, page, pageErrors } = await openEvent('viewer', PHONE);
    try {
      await openPhoto(page, 'Keynote');
      const view = lightbox(page);
      expect(await view.getByRole('link', { name: 'Original file' }).count()).toBe(0);
      expect(await view.getByRole('button', { name: /untouched original/ }).isVisible()).toBe(false);
      expect(await view.locator('#lightbox-private').isVisible()).toBe(false);
      await shot(page, 'downloads-phone-1-member-without-originals');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        view.getByRole('button', { name: 'Download', exact: true }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('Keynote.webp');
      const largest = seeded.get('Keynote')!.renditions!.toSorted((a, b) => b.width - a.width)[0]!;
      const served = await fetch(largest.url);
      expect(await readFile((await download.path())!)).toEqual(Buffer.from(await served.arrayBuffer()));
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('gives the organizer "Download all": a zip of the event’s photos, made while they wait; a member without downloadOriginals has no such button', async () => {
    const viewer = await openEvent('viewer');
    try {
      expect(await viewer.page.getByRole('button', { name: 'Download all' }).isVisible()).toBe(false);
    } finally {
      await viewer.context.close();
    }
    const { context, page, pageErrors } = await openEvent('organizer');
    try {
      const [zip] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.getByRole('button', { name: 'Download all' }).click(),
      ]);
      expect(zip.suggestedFilename()).toBe(`${EVENT_NAME} photos.zip`);
      const bytes = await readFile((await zip.path())!);
      expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
      await expect
        .poll(() => page.locator('#download-all-status').textContent())
        .toMatch(/^Your zip of 3[56] photos \(.+\) is downloading\.$/);
      await shot(page, 'downloads-desktop-2-download-all');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("offers the organizer another member's untouched original", async () => {
    const { context, page } = await openEvent('organizer');
    try {
      await openPhoto(page, 'Keynote');
      const view = lightbox(page);
      expect(await view.locator('#lightbox-private').isVisible()).toBe(false);
      const [untouched] = await Promise.all([
        page.waitForEvent('download'),
        view.getByRole('button', { name: 'Download the untouched original' }).click(),
      ]);
      expect(await readFile((await untouched.path())!)).toEqual(seededBytes.get('Keynote'));
    } finally {
      await context.close();
    }
  });
});
