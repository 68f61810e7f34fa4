import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../../..');
const out = mkdtempSync(join(tmpdir(), 'squall-yaql-grammar-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('committed YAQL grammar', () => {
  it('is exactly what `npm run grammar` regenerates', () => {
    execFileSync(process.execPath, [join(root, 'scripts', 'build-grammar.mjs'), '--out-dir', out], {
      encoding: 'utf8',
    });
    const committed = join(root, 'engine', 'workflows', 'yaql', 'grammar', 'yaql.grammar.ts');
    expect(readFileSync(join(out, 'yaql.grammar.ts'), 'utf8'), 'yaql.grammar.ts is stale: run npm run grammar').toBe(
      readFileSync(committed, 'utf8'),
    );
  });
});
