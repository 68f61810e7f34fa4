import { join } from 'node:path';
import { installRoot } from '../../lib/install-root.js';

/** The built-in packs folder (core, chatops, ...) of this Squall install. */
export function builtinPacksDir(): string {
  return join(installRoot(), 'packs');
}
