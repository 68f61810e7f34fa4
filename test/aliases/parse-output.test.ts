import { describe, expect, it } from 'vitest';
import { extractParameters } from '../../aliases/extract.js';
import { AliasMatcher } from '../../aliases/matcher.js';
import { renderParseOutput } from '../../aliases/parse-output.js';
import { alias } from './alias-fixtures.js';

describe('renderParseOutput (squall alias parse / match)', () => {
  it('prints the parameters as strings and exits 0', () => {
    expect(
      renderParseOutput(extractParameters('run {{cmd}} on {{hosts}} now', 'run "ls -la" on web1 now count=3')),
    ).toEqual({
      stdout: '{"parameters":{"cmd":"ls -la","hosts":"web1","count":"3"}}\n',
      exitCode: 0,
    });
  });

  it('prints the reason and exits 1', () => {
    const out = renderParseOutput(extractParameters('run {{cmd}}', 'walk'));
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('does not match');
  });

  it('names the alias for a match, and fails for none or ambiguous', () => {
    const m = new AliasMatcher([
      alias('core.run', ['run {{cmd}}']),
      alias('x.a', ['go {{a}}']),
      alias('x.b', ['go {{b}}']),
    ]);
    expect(renderParseOutput(m.match('run date'))).toEqual({
      stdout: '{"alias":"core.run","format":"run {{cmd}}","parameters":{"cmd":"date"}}\n',
      exitCode: 0,
    });
    expect(renderParseOutput(m.match('go x')).exitCode).toBe(1);
    expect(renderParseOutput(m.match('fly')).exitCode).toBe(1);
  });
});
