import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../app/start-server.js';
import { runRemoteShell } from '../../bot/terminal/remote-shell.js';
import { ApiClient } from '../../cli/api-client.js';
import { silentLogger } from '../../engine/logger.js';

const ASKTEST = fileURLToPath(new URL('../fixtures/workflow-packs/asktest/', import.meta.url));

/**
 * Approvals in the terminal shell (the real `squall shell` loop over HTTP and the stream): the
 * terminal has no buttons, so the question says what to type, and `!approve ID` answers it.
 */
describe('approvals in the terminal shell', () => {
  let server: RunningServer;
  let key = '';

  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'squall-inquiry-shell-'));
    server = await startServer({
      dataDir,
      config: {
        api: { host: '127.0.0.1', port: 0 },
        chat: { shell: false, progress_every: 0 },
        log: { level: 'silent' },
        packs: { paths: [ASKTEST] },
      },
      logger: silentLogger,
    });
    await server.core.auth.createUser('bob', 'bob-password-1', ['operator']);
    key = (await server.core.auth.createApiKey('bob')).key;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('shows the question with the commands to type, takes !approve, and the workflow finishes', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (b: Buffer) => (printed += b.toString()));
    const api = new ApiClient(server.url ?? '', { kind: 'api-key', key, source: 'test' });
    const done = runRemoteShell({ api, input, output, owner: 'bob', displayName: 'bob', color: false });
    await expect.poll(() => printed).toContain('Connected to');

    input.write('!deploy with approval\n');
    await expect.poll(() => printed, { timeout: 20_000 }).toContain('Approval needed');
    const id = /inquiry ([0-9a-f]{24})/.exec(printed)?.[1] as string;
    expect(printed).toContain(`Type \`!approve ${id}\` or \`!reject ${id}\``);
    expect(printed).toContain('Deploy to production?');

    input.write(`!approve ${id}\n`);
    await expect.poll(() => printed, { timeout: 20_000 }).toContain(`your answer to inquiry ${id} is recorded`);
    // The terminal cannot edit what it printed: the outcome comes as a new message, then the result.
    await expect.poll(() => printed, { timeout: 20_000 }).toContain('Approved by bob');
    await expect.poll(() => printed, { timeout: 20_000 }).toContain('asktest.approve succeeded');
    expect((await server.core.store.inquiries.get(id))?.responded_by).toBe('bob');
    input.end();
    expect(await done).toBe(0);
  });
});
