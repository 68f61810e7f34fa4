import { join } from 'node:path';

/** Where a pack's virtual environment lives: `<data_dir>/virtualenvs/<pack>` (StackStorm's layout). */
export function packVenvDir(dataDir: string, pack: string): string {
  return join(dataDir, 'virtualenvs', pack);
}

/** The interpreter inside a virtual environment. */
export function venvPython(venvDir: string): string {
  return join(venvDir, 'bin', 'python');
}
