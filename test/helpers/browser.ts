// A real browser for the sandbox's pages (issue 21): playwright-core (which downloads no browser) driving the
// machine's Chromium: $WXPAY_CHROMIUM, else Debian's /usr/bin/chromium, else chromium / chromium-browser on PATH.
// One browser per test file, headless, with a fresh profile in a temp folder that is removed on close. Where no
// Chromium is found the tests skip with the reason printed; WXPAY_REQUIRE_BROWSER=1 (CI) makes that a failure.
// screenshots() writes a PNG of the page at desktop and phone widths into test-results/screenshots/ (git-ignored).
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, it } from 'vitest';
import { repoRoot } from './paths.js';
import { removeTemp } from './scan-written-files.js';

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 375, height: 740 },
} as const;

export const SCREENSHOT_DIR = path.join(repoRoot, 'test-results', 'screenshots');

// Offline and quiet: no GPU, no QUIC, no update/sync/background traffic. --no-sandbox: the suite may run as root.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const executable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The Chromium to drive, or undefined when there is none. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.WXPAY_CHROMIUM;
  if (fromEnv) return executable(fromEnv) ? fromEnv : undefined;
  if (executable('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (process.env.PATH ?? '').split(path.delimiter))
    for (const name of ['chromium', 'chromium-browser'])
      if (dir && existsSync(path.join(dir, name)) && executable(path.join(dir, name))) return path.join(dir, name);
  return undefined;
}

function skipReason(): string | undefined {
  if (findChromium()) return undefined;
  if (process.env.WXPAY_CHROMIUM) return `WXPAY_CHROMIUM=${process.env.WXPAY_CHROMIUM} is not an executable`;
  return 'no Chromium (apt-get install chromium, or set WXPAY_CHROMIUM to its path)';
}

/** describe() for browser tests: skipped with a printed reason where no Chromium is found, failed instead when
 *  WXPAY_REQUIRE_BROWSER=1. */
export function describeBrowser(name: string, body: () => void): void {
  const reason = skipReason();
  if (!reason) {
    describe(name, body);
    return;
  }
  if (process.env.WXPAY_REQUIRE_BROWSER === '1') {
    describe(name, () => {
      it('needs Chromium (WXPAY_REQUIRE_BROWSER=1)', () => {
        throw new Error(`cannot start the browser tests: ${reason}`);
      });
    });
    return;
  }
  console.warn(`[browser] skipping "${name}": ${reason}. Set WXPAY_REQUIRE_BROWSER=1 to fail instead.`);
  describe.skip(name, body);
}

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab at desktop width. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function startBrowser(): Promise<TestBrowser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(`cannot start Chromium: ${skipReason() ?? 'not found'}`);
  const profile = mkdtempSync(path.join(os.tmpdir(), 'wxpay-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: FLAGS,
    viewport: VIEWPORTS.desktop,
  });
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      removeTemp(profile);
    },
  };
}

/** Writes `<name>-desktop.png` and `<name>-phone.png` of the page as it is now (a resize, not a reload); leaves the
 *  page at desktop width. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const [width, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}
