import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where a Chromium or Chrome is usually installed (Debian's package, Google's). */
const installed = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * Launches a headless Chromium for browser tests, found in this order: `CHROMIUM_PATH`, one
 * installed on the machine, else the Linux Chromium the `@sparticuz/chromium` package carries, so
 * `npm install && npm test` needs no other step.
 */
export async function launchChromium(): Promise<{ browser: Browser; found: string }> {
  const configured = process.env.CHROMIUM_PATH;
  const local = configured ? configured : installed.find((path) => existsSync(path));
  if (local) return { browser: await chromium.launch({ executablePath: local }), found: local };
  const packaged = (await import('@sparticuz/chromium')).default;
  const executablePath = await packaged.executablePath();
  // Its serverless flags, less two: the same-origin policy stays on (the pages are tested as a
  // browser sees them), and one process per browser context keeps each context's cookies its own.
  const args = packaged.args.filter((arg) => arg !== '--disable-web-security' && arg !== '--single-process');
  return { browser: await chromium.launch({ executablePath, args }), found: `@sparticuz/chromium (${executablePath})` };
}
