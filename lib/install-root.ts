import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'squall';

let cached: string | undefined;

/** The package.json of `dir`, or undefined when there is none (or it is not JSON). */
export function readPackageJson(dir: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}

/**
 * The folder Squall is installed in (the one holding its package.json, `packs/`, `bin/`), found by
 * walking up from this module, so it is the same from the sources (tsx, vitest) and from `dist/`.
 * When no folder up the tree is Squall's, the working directory (callers then name the path they
 * looked for in their error).
 */
export function installRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (readPackageJson(dir)?.name === PACKAGE_NAME) {
      cached = dir;
      return cached;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  cached = process.cwd();
  return cached;
}
