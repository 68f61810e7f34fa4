import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../bench/bench-util.js';
import { hasPythonContent, setupPackVenv } from '../../../../engine/packs/python/pack-venv.js';
import { buildWheel } from '../../../support/wheel.js';

const dir = tempDir('squall-venv-');
const wheels = join(dir.path, 'wheels');
const packDir = join(dir.path, 'packs', 'tiny');
const dataDir = join(dir.path, 'data');
const base = {
  packDir,
  packName: 'tiny',
  dataDir,
  python: '/usr/bin/python3',
  pipArgs: ['--no-index', '--find-links', wheels],
};

beforeAll(() => {
  buildWheel(wheels, 'squalltiny', '1.0', 'VALUE = "from the wheel"\n');
  buildWheel(wheels, 'squalltiny', '2.0', 'VALUE = "version two"\n');
  mkdirSync(join(packDir, 'actions'), { recursive: true });
  writeFileSync(join(packDir, 'pack.yaml'), 'name: tiny\nversion: 1.0.0\n');
});
afterAll(() => dir.remove());

function importInVenv(python: string): string {
  return execFileSync(python, ['-c', 'import squalltiny; print(squalltiny.VALUE)'], { encoding: 'utf8' }).trim();
}

describe('setupPackVenv', () => {
  it('finds Python content: requirements.txt, or .py files among actions and sensors', async () => {
    expect(await hasPythonContent(packDir)).toBe(false);
    writeFileSync(join(packDir, 'actions', 'x.py'), '');
    expect(await hasPythonContent(packDir)).toBe(true);
  });

  it('makes the environment and installs requirements.txt from a local wheel folder', async () => {
    writeFileSync(join(packDir, 'requirements.txt'), 'squalltiny==1.0\n');
    const lines: string[] = [];
    const r = await setupPackVenv({ ...base, onProgress: (l) => lines.push(l) });
    expect(r).toMatchObject({
      created: true,
      requirements: 'installed',
      venvDir: join(dataDir, 'virtualenvs', 'tiny'),
    });
    expect(importInVenv(r.python)).toBe('from the wheel');
    expect(lines.join('\n')).toContain('Successfully installed squalltiny-1.0');
  });

  it('leaves an unchanged environment alone, and reinstalls when requirements.txt changes or when forced', async () => {
    expect(await setupPackVenv(base)).toMatchObject({ created: false, requirements: 'unchanged' });
    writeFileSync(join(packDir, 'requirements.txt'), 'squalltiny==2.0\n');
    const r = await setupPackVenv(base);
    expect(r).toMatchObject({ created: false, requirements: 'installed' });
    expect(importInVenv(r.python)).toBe('version two');
    expect(await setupPackVenv({ ...base, force: true })).toMatchObject({ requirements: 'installed' });
  });

  it("fails with pip's own message for a requirement that cannot be satisfied; --no-deps skips it", async () => {
    writeFileSync(join(packDir, 'requirements.txt'), 'squall-no-such-package==9.9\n');
    const failed = setupPackVenv(base);
    await expect(failed).rejects.toThrow(/pip could not install the requirements of pack tiny \(requirements.txt\):/);
    await expect(failed).rejects.toThrow(/No matching distribution found for squall-no-such-package==9.9/);
    // Not marked installed: the next attempt runs pip again.
    await expect(setupPackVenv(base)).rejects.toThrow(/No matching distribution/);
    expect(await setupPackVenv({ ...base, noDeps: true })).toMatchObject({ requirements: 'skipped' });
    // Knowingly skipped: a later registration without --no-deps leaves it so; a forced retry runs pip.
    expect(await setupPackVenv(base)).toMatchObject({ requirements: 'skipped' });
    await expect(setupPackVenv({ ...base, force: true })).rejects.toThrow(/No matching distribution/);
  });

  it('names the interpreter when it cannot make the environment', async () => {
    await expect(setupPackVenv({ ...base, packName: 'other', python: '/no/such/python3' })).rejects.toThrow(
      'Cannot create the virtual environment of pack other with /no/such/python3 -m venv: cannot run /no/such/python3',
    );
  });
});
