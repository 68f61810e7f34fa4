import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The repo's `packs/` folder (core, chatops, ...). Found by walking up from this module to the folder
 * holding package.json, so it works from TypeScript sources under vitest and from compiled `dist/`.
 */
export function builtinPacksDir(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  let firstPackageDir: string | undefined;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      firstPackageDir ??= dir;
      if (existsSync(join(dir, 'packs', 'core', 'pack.yaml'))) {
        cached = join(dir, 'packs');
        return cached;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // No folder holds the built-in packs: answer where they should be, so the caller's error names it.
  return join(firstPackageDir ?? process.cwd(), 'packs');
}
