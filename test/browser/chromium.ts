// Finds and launches Chromium for the browser tests: CHROMIUM_PATH, then Debian's /usr/bin/chromium,
// then Playwright's own browsers. A missing browser is an error, never a skipped test.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function chromiumPath(): string | undefined {
  const env = process.env.CHROMIUM_PATH;
  if (env) {
    if (!existsSync(env)) throw new Error(`CHROMIUM_PATH=${env} does not exist`);
    return env;
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return undefined; // Playwright finds its own browser.
  } catch {
    // Not installed either: reported below.
  }
  throw new Error(
    'No Chromium found: set CHROMIUM_PATH, or install Debian\'s chromium (apt-get install -y chromium), ' +
      'or Playwright\'s browsers. The browser tests do not skip without one.',
  );
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}
