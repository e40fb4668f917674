/** Debian's chromium driven by playwright-core (no browser download), and screenshots of pages. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { PROJECT_ROOT } from "#core/node/config.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = join(PROJECT_ROOT, "test-results", "screenshots");

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * `camera`: a Y4M file Chromium plays as the device camera (fakeCamera.ts), with camera access
 * granted without asking; without it the page sees no camera.
 */
export async function launchBrowser(options: { camera?: string } = {}): Promise<Browser> {
  const camera = options.camera
    ? ["--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${options.camera}`, "--use-fake-ui-for-media-stream"]
    : [];
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...ARGS, ...camera], headless: true });
}

export const DESKTOP = { width: 1280, height: 860 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** A fresh context (own storage) with the given viewport. */
export async function newContext(browser: Browser, viewport: { width: number; height: number } = DESKTOP): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  context.setDefaultTimeout(30_000);
  return context;
}

/** Saves test-results/screenshots/<name>.png (full page). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
