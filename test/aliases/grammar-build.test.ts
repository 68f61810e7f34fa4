import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const grammarDir = join(root, 'aliases', 'grammar');
const out = mkdtempSync(join(tmpdir(), 'squall-grammar-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('committed nearley output', () => {
  it('is exactly what `npm run grammar` regenerates', () => {
    execFileSync(process.execPath, [join(root, 'scripts', 'build-grammar.mjs'), '--out-dir', out], {
      encoding: 'utf8',
    });
    const sources = readdirSync(grammarDir).filter((f) => f.endsWith('.ne'));
    expect(sources.sort()).toEqual(['format.ne']);
    for (const ne of sources) {
      const name = ne.replace(/\.ne$/, '.grammar.ts');
      expect(readFileSync(join(out, name), 'utf8'), `${name} is stale: run npm run grammar`).toBe(
        readFileSync(join(grammarDir, name), 'utf8'),
      );
    }
  });
});
