// Debian's Chromium driven by playwright-core (never `playwright install`: no browser download).
// Every request a page makes is intercepted: the viewer's own origin is let through, anything else
// is recorded and aborted, so a test can assert that nothing leaves.

import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where Debian's chromium package installs the browser (`.ci/run` installs it). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Launches headless Chromium; fails with what to install when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the browser tests need Debian's chromium (apt-get install chromium; .ci/run installs it)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What a watched page did: console errors, uncaught exceptions, and requests that were blocked. */
export interface PageWatch {
  readonly errors: string[];
  readonly blocked: string[];
}

/**
 * Lets requests to `origin` through, blocks every other request (recording it), and records
 * console errors and uncaught exceptions.
 */
export async function watchPage(page: Page, origin: string): Promise<PageWatch> {
  const watch: PageWatch = { errors: [], blocked: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.errors.push(message.text());
  });
  page.on('pageerror', (error) => watch.errors.push(error.message));
  await page.route('**/*', async (route) => {
    if (new URL(route.request().url()).origin === origin) {
      await route.continue();
      return;
    }
    watch.blocked.push(route.request().url());
    await route.abort();
  });
  return watch;
}
