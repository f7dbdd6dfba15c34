// A real browser for the sandbox's pages (issue 21): playwright-core (which downloads no browser) driving the
// machine's Chromium: $WXPAY_CHROMIUM, else Debian's /usr/bin/chromium, else chromium / chromium-browser on PATH.
// One headless browser for the browser tests (test/e2e/browser.test.ts), and a fresh context (its own cookies and
// storage, like a new profile) per suite: a Chromium start costs about 2.5 CPU-s, and loading playwright-core ~0.8
// more, so the suites share one of each. Where no Chromium is found the tests skip with the reason printed;
// WXPAY_REQUIRE_BROWSER=1 (CI) makes that a failure.
// screenshots() writes a PNG of the page at desktop and phone widths into test-results/screenshots/ (git-ignored).
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserType, CDPSession, Page } from 'playwright-core';
import { describe, it } from 'vitest';
import { repoRoot } from './paths.js';

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 375, height: 740 },
} as const;
type Viewport = (typeof VIEWPORTS)[keyof typeof VIEWPORTS];

export const SCREENSHOT_DIR = path.join(repoRoot, 'test-results', 'screenshots');

// Loaded with require(), not import: Node 20 runs its CommonJS export scanner over every module an import reaches,
// here playwright-core's two 3.5 MB bundles, which cost ~0.3 CPU-s more per worker than require() alone.
const { chromium } = createRequire(import.meta.url)('playwright-core') as { chromium: BrowserType };

// Chromium keeps only the last --disable-features it is given, so this list repeats playwright-core's own (its
// chromiumSwitches.ts, checked below against the installed version) and adds what a headless test does not need:
// since Chromium 15x, new headless mode (the full browser) loads the address bar's drop-down as WebUI pages
// (chrome://omnibox-popup.top-chrome/) in a renderer process of their own for each window, ~1.6 CPU-s apiece, three
// times in this suite's run: about a quarter of all the CPU its Chromium used.
const PLAYWRIGHT_FEATURES_OF = '1.65.';
const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];
const UNNEEDED_FEATURES = [
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
  'WebUIOmniboxFullPopup',
  'PreloadTopChromeWebUI',
];

// Offline and quiet: no GPU, no QUIC, no update/sync/background traffic. --no-sandbox: the suite may run as root.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...UNNEEDED_FEATURES].join(',')}`,
];

/** Fails where playwright-core is not the version whose --disable-features list FLAGS repeats: an upgrade must copy
 *  its list again (node_modules/playwright-core/lib/coreBundle.js, `disabledFeatures`), or its own would be lost. */
function checkPlaywrightVersion(): void {
  const { version } = createRequire(import.meta.url)('playwright-core/package.json') as { version: string };
  if (!version.startsWith(PLAYWRIGHT_FEATURES_OF))
    throw new Error(
      `playwright-core ${version}: copy its disabled Chromium features into test/helpers/browser.ts (now of ${PLAYWRIGHT_FEATURES_OF}x)`,
    );
}

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
  /** Closes this context; the browser stays for the other suites. */
  close(): Promise<void>;
}

/** Starts the machine's Chromium, headless (playwright keeps its throwaway profile in the temp folder and removes it
 *  on close). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(`cannot start Chromium: ${skipReason() ?? 'not found'}`);
  checkPlaywrightVersion();
  return chromium.launch({ executablePath, headless: true, args: FLAGS });
}

/** A fresh context of `browser`: no cookies, no storage, pages at desktop width. */
export async function startBrowser(browser: Browser): Promise<TestBrowser> {
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
  return { context, newPage: () => context.newPage(), close: () => context.close() };
}

/** The page's full size, measured as playwright's fullPage screenshot does, once its fonts are in; and the root's
 *  scroll width (more than the viewport's width when the page scrolls sideways). */
const FULL_SIZE = `document.fonts.ready.then(() => {
  const b = document.body, d = document.documentElement;
  return {
    width: Math.max(b.scrollWidth, d.scrollWidth, b.offsetWidth, d.offsetWidth, b.clientWidth, d.clientWidth),
    height: Math.max(b.scrollHeight, d.scrollHeight, b.offsetHeight, d.offsetHeight, b.clientHeight, d.clientHeight),
    scrollWidth: d.scrollWidth,
  };
})`;

/** A full-page PNG of the page at `viewport` into `file`; returns the root's scroll width. Chromium's own capture
 *  through CDP rather than page.screenshot(), for `optimizeForSpeed` (a faster PNG compression level: larger files,
 *  the same pixels), which playwright does not pass: with playwright's caret-hiding style added and removed around
 *  each shot it was ~0.1 CPU-s more per page at both widths, ~1.2 CPU-s of the file's run. */
async function fullPagePng(page: Page, cdp: CDPSession, file: string, viewport: Viewport): Promise<number> {
  const size = await page.evaluate<{ width: number; height: number; scrollWidth: number }>(FULL_SIZE);
  const { data } = await cdp.send('Page.captureScreenshot', {
    format: 'png',
    optimizeForSpeed: true,
    clip: { x: 0, y: 0, width: size.width, height: size.height, scale: 1 },
    captureBeyondViewport: size.width > viewport.width || size.height > viewport.height,
  });
  writeFileSync(file, Buffer.from(data, 'base64'));
  return size.scrollWidth;
}

/** Writes `<name>-desktop.png` and `<name>-phone.png` of the page as it is now (a resize, not a reload); leaves the
 *  page at desktop width. Returns the page's scroll width at the phone's width (measured there, so a caller that
 *  checks the phone layout needs no second resize). */
export async function screenshots(page: Page, name: string): Promise<number> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const cdp = await page.context().newCDPSession(page);
  try {
    await fullPagePng(page, cdp, path.join(SCREENSHOT_DIR, `${name}-desktop.png`), VIEWPORTS.desktop);
    await page.setViewportSize(VIEWPORTS.phone);
    const phoneWidth = await fullPagePng(page, cdp, path.join(SCREENSHOT_DIR, `${name}-phone.png`), VIEWPORTS.phone);
    await page.setViewportSize(VIEWPORTS.desktop);
    return phoneWidth;
  } finally {
    await cdp.detach();
  }
}
