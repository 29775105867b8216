import path from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventsClient, createMembersClient, createPhotosClient, signIn } from '@event-photos/client';
import { DEMO_USERS, type LocalStack } from '@event-photos/local-stack';
import type { WebServer } from '@event-photos/web/server';
import { DESKTOP, PHONE, SCREENSHOTS, scrollWidth } from './support/browser-pages';
import { startAppInBrowser } from './support/app-in-browser';
import { copyOfJpeg, photoLikeJpeg } from './support/photo-like';

// The phone grid (issue 23 item 6) in Chromium on a throttled network: square tiles, three across
// 390 px, each loading the rendition that fits it at the device pixel ratio (3, as the phones of
// that width have), and what that costs: every byte the browser receives (encodedDataLength, from
// the DevTools protocol), from opening the event's page with an empty cache until the network is
// quiet (the first screen), and until all 200 photos have been scrolled through. Budgets: the
// first screen at most 400 KB, 200 photos at most 3 MB. The same figures at 1280x800 are printed.

const PHOTOS = 200;
const PICTURES = 25;
const EVENT_ID = 'phone-grid';
const EVENT_NAME = 'Phone Grid 2026';
const FIRST_SCREEN_BUDGET = 400 * 1024;
const ALL_PHOTOS_BUDGET = 3 * 1024 * 1024;
/** The DevTools "Fast 4G"-like preset at about a tenth of it: 1.6 Mbit/s down, 750 kbit/s up, 150 ms. */
const THROTTLED = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) | 0, uploadThroughput: (750e3 / 8) | 0 };
/** The network counts as quiet after this long without a request finishing. */
const QUIET_MS = 2500;

let stack: LocalStack;
let web: WebServer;
let browser: Browser;
let stop: () => Promise<void>;
const attendee = DEMO_USERS.find((user) => !user.groups.includes('organizers'))!;
const organizer = DEMO_USERS.find((user) => user.groups.includes('organizers'))!;

beforeAll(async () => {
  ({ stack, web, browser, stop } = await startAppInBrowser('phone-grid'));
  const token = async (user: { email: string; password: string }) =>
    (
      await signIn({
        cognitoEndpoint: stack.outputs.cognitoEndpoint,
        region: stack.outputs.region,
        userPoolId: stack.outputs.userPoolId,
        clientId: stack.outputs.userPoolClientId,
        ...user,
      })
    ).idToken;
  const [organizerToken, attendeeToken] = await Promise.all([token(organizer), token(attendee)]);
  const apiUrl = stack.outputs.apiUrl;
  const events = createEventsClient({ apiUrl, getToken: () => organizerToken });
  await events.createEvent({ eventId: EVENT_ID, name: EVENT_NAME });
  // One guest uploads all 200 (past the default 100 an hour): the organizer raises it.
  await events.updateEvent(EVENT_ID, { quotas: { userUploadsPerHour: 1000 } });
  const invite = await createMembersClient({ apiUrl, getToken: () => organizerToken }).createInvite(EVENT_ID, {
    upload: true,
    viewOthers: true,
    downloadOriginals: true,
  });
  await createMembersClient({ apiUrl, getToken: () => attendeeToken }).join(EVENT_ID, invite.code);
  const photos = createPhotosClient({ apiUrl, eventId: EVENT_ID, getToken: () => attendeeToken });
  const pictures = await Promise.all(Array.from({ length: PICTURES }, (_, n) => photoLikeJpeg(n + 1)));
  const files = Array.from(
    { length: PHOTOS },
    (_, n) => new File([new Uint8Array(copyOfJpeg(pictures[n % PICTURES]!, n))], `Photo ${n + 1}.jpg`, { type: 'image/jpeg' }),
  );
  const results = await photos.uploadPhotos(files, { concurrency: 4 });
  expect(results.filter((result) => result.state !== 'done')).toEqual([]);
}, 600_000);

afterAll(async () => {
  await stop?.();
});

/** Every byte the page receives, by kind, as the DevTools protocol reports each finished request. */
class ByteCounter {
  readonly byKind = new Map<string, { requests: number; bytes: number }>();
  #urls = new Map<string, string>();
  lastFinished = Date.now();

  constructor(cdp: CDPSession) {
    cdp.on('Network.requestWillBeSent', ({ requestId, request }) => this.#urls.set(requestId, request.url));
    cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
      const url = this.#urls.get(requestId) ?? '';
      if (url.startsWith('data:')) return;
      this.lastFinished = Date.now();
      const kind = kindOf(url);
      const counted = this.byKind.get(kind) ?? { requests: 0, bytes: 0 };
      this.byKind.set(kind, { requests: counted.requests + 1, bytes: counted.bytes + encodedDataLength });
    });
  }

  get total(): number {
    return [...this.byKind.values()].reduce((sum, { bytes }) => sum + bytes, 0);
  }

  report(): string {
    const kinds = [...this.byKind.entries()].map(([kind, { requests, bytes }]) => `${kind} ${requests} req ${kb(bytes)}`);
    return `${kb(this.total)} (${kinds.join(', ')})`;
  }

  /** Resolves once no request has finished for QUIET_MS. */
  async quiet(): Promise<void> {
    while (Date.now() - this.lastFinished < QUIET_MS) await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function kindOf(url: string): string {
  const { pathname } = new URL(url);
  const rendition = /_w(\d+)\.webp$/.exec(pathname);
  if (rendition) return `rendition ${rendition[1]}w`;
  if (pathname.startsWith('/photos/')) return 'original';
  if (url.startsWith(stack.outputs.apiUrl))
    return new URL(url).searchParams.has('since') ? 'API feed' : pathname.endsWith('/photos') ? 'API pages' : 'API event';
  if (url.startsWith(web.url)) return 'app';
  return new URL(url).host;
}

interface Measured {
  firstScreen: number;
  all: number;
  firstReport: string;
  allReport: string;
  renditions: string[];
}

/**
 * Signs in (not measured), then opens the event's page in a new tab of the same browser with an
 * empty cache on the throttled network and counts: the first screen, then scrolling to the end.
 */
async function measure(viewport: { width: number; height: number }, scale: number, name: string): Promise<Measured> {
  const context: BrowserContext = await browser.newContext({
    viewport,
    deviceScaleFactor: scale,
    isMobile: scale > 1,
    hasTouch: scale > 1,
  });
  try {
    const signInPage = await context.newPage();
    await signInPage.goto(web.url);
    await signInPage.getByLabel('Email').fill(attendee.email);
    await signInPage.getByLabel('Password').fill(attendee.password);
    await signInPage.getByRole('button', { name: 'Sign in' }).click();
    await signInPage.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
    await signInPage.close();

    const page: Page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', THROTTLED);
    const counter = new ByteCounter(cdp);
    await page.goto(`${web.url}/?event=${EVENT_ID}`);
    await page.getByRole('heading', { name: EVENT_NAME, level: 1 }).waitFor({ timeout: 30_000 });
    await counter.quiet();
    const firstScreen = counter.total;
    const firstReport = counter.report();
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-1-first-screen.png`) });

    // The cache stays off: the bytes of scrolling through every photo, as a fresh visit would.
    const tiles = page.locator('#photo-grid > li img');
    for (let rounds = 0; rounds < 200; rounds++) {
      await page.evaluate(() => window.scrollBy(0, window.innerHeight));
      await new Promise((resolve) => setTimeout(resolve, 150));
      const loaded = await tiles.evaluateAll(
        (images: HTMLImageElement[]) => images.filter((image) => /_w\d+\.webp/.test(image.currentSrc)).length,
      );
      if (loaded === PHOTOS) break;
    }
    await counter.quiet();
    const renditions = await tiles.evaluateAll((images: HTMLImageElement[]) =>
      images.map((image) => /_w(\d+)\.webp/.exec(new URL(image.currentSrc).pathname)?.[1] ?? image.currentSrc.slice(0, 30)),
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    if (viewport.width === PHONE.width) expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    return { firstScreen, all: counter.total, firstReport, allReport: counter.report(), renditions };
  } finally {
    await context.close();
  }
}

describe('the phone grid', () => {
  it(`loads a phone's first screen in at most 400 KB and ${PHOTOS} photos in at most 3 MB, 320 px renditions in square tiles`, {
    timeout: 300_000,
  }, async () => {
    const phone = await measure(PHONE, 3, 'phone-grid-phone');
    console.log(`phone grid, 390x844 at DPR 3, throttled: first screen ${phone.firstReport}; all ${PHOTOS} photos ${phone.allReport}`);
    expect(phone.renditions).toHaveLength(PHOTOS);
    expect(new Set(phone.renditions)).toEqual(new Set(['320']));
    expect(phone.firstScreen).toBeLessThanOrEqual(FIRST_SCREEN_BUDGET);
    expect(phone.all).toBeLessThanOrEqual(ALL_PHOTOS_BUDGET);

    const desktop = await measure(DESKTOP, 1, 'phone-grid-desktop');
    console.log(`phone grid, 1280x800 at DPR 1, throttled: first screen ${desktop.firstReport}; all ${PHOTOS} photos ${desktop.allReport}`);
    expect(new Set(desktop.renditions)).toEqual(new Set(['320']));
  });

  it('lays out three square tiles across 390 px, each cropped to fill it', async () => {
    const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    try {
      const page = await context.newPage();
      await page.goto(web.url);
      await page.getByLabel('Email').fill(attendee.email);
      await page.getByLabel('Password').fill(attendee.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
      await page.goto(`${web.url}/?event=${EVENT_ID}`);
      await page.locator('#photo-grid > li').nth(5).waitFor();
      const boxes = await page.locator('#photo-grid > li img').evaluateAll((images: HTMLImageElement[]) =>
        images.slice(0, 6).map((image) => {
          const box = image.getBoundingClientRect();
          return {
            x: Math.round(box.x),
            width: Math.round(box.width),
            height: Math.round(box.height),
            fit: getComputedStyle(image).objectFit,
          };
        }),
      );
      expect(new Set(boxes.slice(0, 3).map((box) => box.x)).size).toBe(3);
      expect(boxes[3]!.x).toBe(boxes[0]!.x);
      for (const box of boxes) {
        expect(box.width).toBeGreaterThanOrEqual(125);
        expect(box.width).toBeLessThanOrEqual(130);
        expect(box.height).toBe(box.width);
        expect(box.fit).toBe('cover');
      }
      await page.locator('#photo-grid').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'phone-grid-phone-2-tiles.png') });
    } finally {
      await context.close();
    }
  });
});
