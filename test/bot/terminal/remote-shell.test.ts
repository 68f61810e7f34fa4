import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../../app/start-server.js';
import { runRemoteShell } from '../../../bot/terminal/remote-shell.js';
import { ApiClient } from '../../../cli/api-client.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { silentLogger } from '../../../engine/logger.js';

// `squall shell` against a real server: lines go over HTTP, results come back on the SSE stream.
let server: { url: string | undefined; close(): Promise<void> };
let api: ApiClient;

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'squall-remote-shell-'));
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logger: silentLogger,
    config: { chat: { progress_every: 1 } },
  });
  const creds = await readCredentials(dataDir);
  api = new ApiClient(server.url ?? '', { kind: 'api-key', key: creds?.api_key ?? '', source: 'test' });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

function openShell(channel: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (b: Buffer) => (printed += b.toString()));
  const done = runRemoteShell({ api, input, output, channel, color: false, displayName: 'tester' });
  return { input, done, text: () => printed, type: (l: string) => input.write(`${l}\n`) };
}

describe('remote shell (squall shell)', () => {
  it('shows the ack at once and the result when it arrives, only in its own channel', async () => {
    const a = openShell(`shell-a-${process.pid}`);
    const b = openShell(`shell-b-${process.pid}`);
    await expect.poll(() => a.text()).toContain('Connected to');
    await expect.poll(() => b.text()).toContain('Connected to');
    expect(a.text()).not.toContain('not available');

    a.type('!run echo remote-hello-42');
    await expect.poll(() => a.text(), { timeout: 15_000 }).toContain('Running `echo remote-hello-42`');
    await expect.poll(() => a.text(), { timeout: 15_000 }).toContain('│ remote-hello-42');
    expect(b.text()).not.toContain('remote-hello-42');

    a.input.end();
    b.input.end();
    expect(await a.done).toBe(0);
    expect(await b.done).toBe(0);
  });

  it('prints the latest output lines while a command runs, then the result once', async () => {
    const s = openShell(`shell-p-${process.pid}`);
    await expect.poll(() => s.text()).toContain('Connected to');
    s.type(`!run printf 'out-%s\\n' one && sleep 3 && printf 'out-%s\\n' two`);
    // Piped input: ending it leaves once the result (not a progress line) has arrived.
    s.input.end();
    expect(await s.done).toBe(0);
    const t = s.text();
    const result = t.indexOf('core.local succeeded');
    expect(result).toBeGreaterThan(0);
    expect(t.indexOf('core.local succeeded', result + 1)).toBe(-1);
    const progress = t.indexOf('core.local (');
    expect(progress).toBeGreaterThan(t.indexOf('Running `printf'));
    expect(t.slice(progress, result)).toContain('out-one');
    expect(t.slice(progress, result)).not.toContain('out-two');
    expect(t.slice(result)).toContain('out-two');
  }, 30_000);

  it("prints the server's answer to a command no alias matches", async () => {
    const s = openShell(`shell-c-${process.pid}`);
    await expect.poll(() => s.text()).toContain('Connected to');
    s.type('!frobnicate the widgets');
    await expect.poll(() => s.text().split('Connected to')[1] ?? '', { timeout: 15_000 }).toMatch(/squall (✖|⚠|●)/);
    s.input.end();
    await s.done;
  });
});
