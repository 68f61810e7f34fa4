import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { runRemoteShell } from '../../../bot/terminal/remote-shell.js';
import { ApiClient } from '../../../cli/api-client.js';
import { silentLogger } from '../../../engine/logger.js';

// Issue 9, defect 8: a terminal shell channel belongs to the user who opened it. Real server; bob's
// shell is the real `squall shell` loop over HTTP and the stream.

let server: RunningServer;
const keys: Record<string, string> = {};

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'squall-shell-owner-'));
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir, logger: silentLogger });
  for (const name of ['bob', 'mallory']) {
    await server.core.auth.createUser(name, `${name}-password-1`, ['operator']);
    keys[name] = (await server.core.auth.createApiKey(name)).key;
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
});

async function post(
  who: string,
  channel: string,
  text: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/api/v1/chatops/messages`, {
    method: 'POST',
    headers: { 'St2-Api-Key': keys[who]!, 'Content-Type': 'application/json' },
    body: JSON.stringify({ platform: 'cli', channel, text }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('POST /api/v1/chatops/messages: shell channels have owners', () => {
  it("refuses a post into another user's shell, and the shell shows nothing of it", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (b: Buffer) => (printed += b.toString()));
    const api = new ApiClient(server.url ?? '', { kind: 'api-key', key: keys.bob!, source: 'test' });
    const done = runRemoteShell({ api, input, output, owner: 'bob', displayName: 'bob', color: false });
    await expect.poll(() => printed).toContain('Connected to');
    const channel = /\(channel (shell-bob-\d+)\)/.exec(printed)?.[1];
    expect(channel).toBe(`shell-bob-${process.pid}`);

    const spoof = await post('mallory', channel!, '!echo succeeded-spoof-17');
    expect(spoof.status).toBe(403);
    expect(spoof.body.code).toBe('SQ_FORBIDDEN');
    expect(String(spoof.body.faultstring)).toMatch(
      /is bob's shell; you \(mallory\) may post only to a channel of your own/,
    );

    input.write('!echo bob-own-23\n');
    await expect.poll(() => printed, { timeout: 15_000 }).toContain('bob-own-23');
    expect(printed).not.toContain('succeeded-spoof-17');
    input.end();
    expect(await done).toBe(0);
  });

  it('gives any other shell- channel to the first user who posts to it', async () => {
    const channel = `shell-team-laptop-${Date.now()}`;
    expect((await post('bob', channel, '!help')).status).toBe(200);
    const spoof = await post('mallory', channel, '!echo spoof');
    expect(spoof.status).toBe(403);
    expect(String(spoof.body.faultstring)).toMatch(/is bob's shell/);
    expect((await post('bob', channel, '!help')).status).toBe(200);
  });

  it('keeps a channel named for a user theirs even before they open it, and refuses non-shell channels', async () => {
    expect((await post('mallory', 'shell-bob-99999', '!help')).status).toBe(403);
    expect((await post('mallory', 'shell-mallory-99999', '!help')).status).toBe(200);
    const terminal = await post('mallory', 'terminal', '!help');
    expect(terminal.status).toBe(400);
    expect(String(terminal.body.faultstring)).toMatch(/is not a shell channel/);
  });
});
