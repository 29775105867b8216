import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '@event-photos/local-stack';
import { launchChromium } from '@event-photos/testing/browser';
import { startWebServer, type WebServer } from '@event-photos/web/server';
import { SCREENSHOTS } from './browser-pages';

type WebConfig = Parameters<typeof startWebServer>[0]['config'];

/** What a browser test of the web app runs against: the local stack, the app served for it, Chromium. */
export interface AppInBrowser {
  stack: LocalStack;
  web: WebServer;
  browser: Browser;
  /** Closes the browser, the app and the stack, and removes the stack's data folder. */
  stop(): Promise<void>;
}

/** The whole system for one test file (its data in a fresh folder named after `name`), and the screenshots folder. */
export async function startAppInBrowser(
  name: string,
  { stack: stackOptions = {}, web: webConfig = {} }: { stack?: Omit<LocalStackOptions, 'dataDir'>; web?: Partial<WebConfig> } = {},
): Promise<AppInBrowser> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const dataDir = await mkdtemp(path.join(tmpdir(), `event-photos-${name}-`));
  const stack = await startLocalStack({ dataDir, retryDelaysMs: [50, 100], ...stackOptions });
  const web = await startWebServer({ port: 0, config: { ...stack.outputs, ...webConfig } });
  const browser = await launchChromium();
  return {
    stack,
    web,
    browser,
    stop: async () => {
      await browser.close();
      await web.close();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
