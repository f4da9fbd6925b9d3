import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type HTTPResponse, launch, type Page } from 'puppeteer-core';
import { describeRequiring } from './requires.js';

/** The browser the real-browser tests drive: Debian's `chromium-headless-shell`, or CHROMIUM_PATH. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell';

/** Whether that browser is installed. */
export const chromiumAvailable = existsSync(chromiumPath);

/**
 * describe() for suites that drive a real browser: runs them when Chromium is installed; otherwise fails in CI
 * (CI=true) and skips elsewhere, saying why on stderr.
 */
export function describeWithChromium(name: string, fn: () => void): void {
  describeRequiring(
    {
      what: `browser at ${chromiumPath} (apt-get install chromium-headless-shell, or set CHROMIUM_PATH)`,
      available: chromiumAvailable,
    },
    name,
    fn,
  );
}

/** A headless Chromium with a fresh profile of its own, offline-friendly; close() also removes the profile. */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'cmcp-chromium-'));
  const browser = await launch({
    executablePath: chromiumPath,
    headless: 'shell',
    userDataDir: profile,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Clicks what `selector` finds and waits for the navigation it starts, through every redirect, to load. */
export async function clickAndWait(page: Page, selector: string): Promise<HTTPResponse> {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  if (!response) throw new Error(`clicking ${selector} on ${page.url()} loaded nothing`);
  return response;
}

/** Opens `url` in the page and waits for it to load. */
export async function open(page: Page, url: string): Promise<HTTPResponse> {
  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response) throw new Error(`${url} loaded nothing`);
  return response;
}

/** The text a person sees on the page. */
export async function visibleText(page: Page): Promise<string> {
  // A string, not a function: this project compiles without the DOM's types.
  return String(await page.evaluate('document.body.innerText'));
}
