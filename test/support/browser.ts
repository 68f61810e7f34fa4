import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO } from './squall-process.js';

export const WIDE = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Screenshots of the page at both widths, under test-results/ (named after the test). */
export async function screenshotBothWidths(page: Page, name: string, dir = join(REPO, 'test-results')): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const safe = name.replace(/[^\w.-]+/g, '-').slice(0, 80);
  const before = page.viewportSize() ?? WIDE;
  for (const [label, size] of [
    ['1280', WIDE],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(dir, `${safe}-${label}.png`), fullPage: true }).catch(() => {});
  }
  await page.setViewportSize(before);
}
