// The workspace's browser tests share this: Debian's Chromium driven by playwright-core (never
// `playwright install`: no browser download), and pages whose every request is intercepted — what
// the test serves or allows goes through, anything else is recorded and aborted, so a test can
// assert that nothing leaves — with console errors and uncaught exceptions recorded.

import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where Debian's chromium package installs the browser (`.ci/run` installs it). */
export const CHROMIUM_PATH: string = '/usr/bin/chromium';

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

/** Records console errors and uncaught exceptions of `page` into a new watch. */
function recordErrors(page: Page): PageWatch {
  const watch: PageWatch = { errors: [], blocked: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.errors.push(message.text());
  });
  page.on('pageerror', (error) => watch.errors.push(error.message));
  return watch;
}

/**
 * Serves `html` at `url` and blocks every other request (recording it), and records console
 * errors and uncaught exceptions.
 */
export async function servePage(page: Page, url: string, html: string): Promise<PageWatch> {
  const watch = recordErrors(page);
  await page.route('**/*', async (route) => {
    if (route.request().url() === url) {
      await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      return;
    }
    watch.blocked.push(route.request().url());
    await route.abort();
  });
  return watch;
}

/**
 * Lets requests to `origin` through, blocks every other request (recording it), and records
 * console errors and uncaught exceptions.
 */
export async function watchPage(page: Page, origin: string): Promise<PageWatch> {
  const watch = recordErrors(page);
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
