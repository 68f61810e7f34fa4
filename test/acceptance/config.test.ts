import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { squall } from './acceptance-support.js';

// Issue 3, item 1: `squall.yaml`, every key validated at start-up with a clear message for unknown
// or wrong keys. `squall start` is spawned as a user runs it; it must stop before serving anything.

async function startWith(yaml: string, how: 'data-dir' | 'flag'): Promise<{ code: number | null; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'squall-acc-config-'));
  try {
    const file = join(dir, how === 'flag' ? 'elsewhere.yaml' : 'squall.yaml');
    writeFileSync(file, yaml);
    const args = ['start', '--data-dir', dir, '--port', '0', '--no-shell'];
    if (how === 'flag') args.push('--config', file);
    const r = await squall(args);
    return { code: r.code, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('squall.yaml validation at start-up', () => {
  const cases: [string, string, 'data-dir' | 'flag', RegExp][] = [
    ['unknown nested key', 'api:\n  prot: 1\n', 'data-dir', /squall\.yaml: api: unknown key\(s\) "prot"/],
    ['unknown top-level key', 'bogus: true\n', 'data-dir', /"bogus"/],
    ['wrong type', 'api:\n  port: "abc"\n', 'data-dir', /api\.port: .*number/],
    ['wrong choice', 'log:\n  level: loud\n', 'data-dir', /log\.level: .*"debug"/],
    ['wrong role', 'chat:\n  default_role: superuser\n', 'data-dir', /chat\.default_role: .*"viewer"/],
    [
      '--config file',
      'executions:\n  concurency: 3\n',
      'flag',
      /elsewhere\.yaml: executions: unknown key\(s\) "concurency"/,
    ],
    ['invalid YAML', 'api: [1\n', 'data-dir', /squall\.yaml: invalid YAML/],
  ];
  for (const [name, yaml, how, message] of cases) {
    it.concurrent(`${name}: exits non-zero naming the file, key and problem`, async () => {
      const r = await startWith(yaml, how);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/Squall is running/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
