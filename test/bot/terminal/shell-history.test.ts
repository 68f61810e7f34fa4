import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellHistoryFile } from '../../../bot/terminal/shell-terminal.js';
import { runCli } from '../../cli/run-cli.js';

const REPO = resolve(import.meta.dirname, '../../..');

describe('the chat shell history file', () => {
  it('is <data-dir>/shell-history for the shell of `squall start` and for `squall shell`', () => {
    expect(shellHistoryFile('/var/lib/squall')).toBe(join('/var/lib/squall', 'shell-history'));
  });

  it('is the file docs/cli.md and `squall shell --help` name', async () => {
    expect(readFileSync(join(REPO, 'docs', 'cli.md'), 'utf8')).toContain('`<data-dir>/shell-history`');
    const help = await runCli(['shell', '--help']);
    expect(help.stdout).toContain('<data-dir>/shell-history');
  });
});
