import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * Squall's version from its package.json, found by walking up from this file so that it works from
 * the sources (tsx, vitest) and from `dist/` alike.
 */
export function squallVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'squall' && typeof pkg.version === 'string') {
        cached = pkg.version;
        return cached;
      }
    } catch {
      // no package.json here; keep climbing
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  cached = '0.0.0';
  return cached;
}
