import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { installRoot } from '../lib/install-root.js';

const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless, as the web bench and the end-to-end tests drive it (no browser download). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with apt-get install -y chromium (.ci/run does)`);
  }
  if (!existsSync(join(installRoot(), 'dist', 'web', 'index.html'))) {
    throw new Error('dist/web is missing: run npm run build first (it builds the web UI)');
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}
