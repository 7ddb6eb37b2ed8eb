import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where a Chromium or Chrome is usually installed (Debian's package, Google's). */
const installed = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * The headless Chromium for browser tests, found in this order: `CHROMIUM_PATH`, one installed on
 * the machine, else the Linux Chromium the `@sparticuz/chromium` package carries, so
 * `npm install && npm test` needs no other step. That one is unpacked into the temporary folder on
 * first use, and a second process that looks while the first is still writing it would launch half
 * a binary: the global setup calls this once, before test files run side by side.
 */
export async function findChromium(): Promise<{ executablePath: string; args?: string[]; found: string }> {
  const configured = process.env.CHROMIUM_PATH;
  const local = configured ? configured : installed.find((path) => existsSync(path));
  if (local) return { executablePath: local, found: local };
  const packaged = (await import('@sparticuz/chromium')).default;
  const executablePath = await packaged.executablePath();
  // Its serverless flags, less two: the same-origin policy stays on (the pages are tested as a
  // browser sees them), and one process per browser context keeps each context's cookies its own.
  const args = packaged.args.filter((arg) => arg !== '--disable-web-security' && arg !== '--single-process');
  return { executablePath, args, found: `@sparticuz/chromium (${executablePath})` };
}

/** Launches that Chromium (a profile of its own in a fresh temporary folder, as Playwright does). */
export async function launchChromium(): Promise<{ browser: Browser; found: string }> {
  const { executablePath, args, found } = await findChromium();
  return { browser: await chromium.launch({ executablePath, ...(args ? { args } : {}) }), found };
}
