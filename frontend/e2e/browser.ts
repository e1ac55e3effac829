// Debian's Chromium driven by playwright-core, with a fresh profile per run, and the screenshots
// every page gets at a wide and a phone width.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const resultsDir = fileURLToPath(new URL('../test-results', import.meta.url));
const WIDE = 1440;
const PHONE = 375;

export interface Browser {
  context: BrowserContext;
  /** Closes Chromium and deletes its profile. */
  close: () => Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'tutorscore-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: WIDE, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Saves full-page screenshots at 1440 and 375 px as test-results/<name>-<width>.png. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  for (const width of [WIDE, PHONE]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(300); // let charts re-measure
    await page.screenshot({ path: join(resultsDir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: WIDE, height: 900 });
}

/** Collects the page's uncaught script errors and Content-Security-Policy refusals into
 * `errors`, which a test then expects to stay empty. */
export function collectPageErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) errors.push(message.text());
  });
}
