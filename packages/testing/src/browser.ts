import { existsSync } from 'node:fs';
import chromiumBinary from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

// Flags that work as root on a machine without a display or network. Playwright gives every
// launch a fresh temporary profile (it refuses --user-data-dir in args).
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Headless Chromium for the browser tests. The binary comes with `npm ci` (@sparticuz/chromium
 * ships it inside its registry tarball and unpacks it to the OS temp folder on first use), so a
 * fresh machine needs no apt step. `CHROMIUM_PATH` points at another Chromium instead.
 */
export async function launchChromium(): Promise<Browser> {
  const override = process.env['CHROMIUM_PATH'];
  if (override && !existsSync(override)) throw new Error(`CHROMIUM_PATH=${override} does not exist`);
  const executablePath = override || (await chromiumBinary.executablePath());
  return chromium.launch({ executablePath, args: ARGS });
}
