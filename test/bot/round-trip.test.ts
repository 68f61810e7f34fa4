import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../app/start-server.js';
import { tempDir } from '../../bench/bench-util.js';
import { silentLogger } from '../../engine/logger.js';
import { TestShell } from '../support/chat-shell.js';

async function start(dataDir: string, shell: TestShell, progressEvery?: number): Promise<RunningServer> {
  return startServer({
    dataDir,
    config: {
      api: { port: 0 },
      log: { level: 'silent' },
      chat: { shell: false, ...(progressEvery !== undefined ? { progress_every: progressEvery } : {}) },
    },
    logger: silentLogger,
    localShellChannel: 'terminal',
    adapters: () => [shell.adapter],
  });
}

describe('chat round trip through the terminal adapter', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('acks at once and posts the result in the same conversation', async () => {
    const dir = tempDir('squall-rt-');
    cleanups.push(() => dir.remove());
    const shell = new TestShell();
    const s = await start(dir.path, shell);
    cleanups.push(() => s.close());

    shell.type(`!run echo 'hello {{ not.a.template }}'`);
    const t = await shell.waitFor(/core\.local succeeded/);
    expect(t).toMatch(/Running `echo 'hello \{\{ not\.a\.template \}\}'` \(execution [0-9a-f]{24}\)/);
    // Chat text is data: the braces reach the shell command verbatim, and its output comes back.
    expect(t.slice(t.indexOf('core.local succeeded'))).toContain('hello {{ not.a.template }}\n');
    expect(t.indexOf('Running')).toBeLessThan(t.indexOf('core.local succeeded'));
  });

  it('prints the latest output lines while a command runs, then the result', async () => {
    const dir = tempDir('squall-rt-');
    cleanups.push(() => dir.remove());
    const shell = new TestShell();
    const s = await start(dir.path, shell, 1);
    cleanups.push(() => s.close());

    shell.type(`!run printf 'out-%s\\n' one && sleep 3 && printf 'out-%s\\n' two`);
    const t = await shell.waitFor(/core\.local succeeded/, 20_000);
    const progress = t.indexOf('core.local (');
    expect(progress).toBeGreaterThan(t.indexOf('Running `printf'));
    expect(t.slice(progress, t.indexOf('core.local succeeded'))).toContain('out-one');
    expect(t.slice(progress, t.indexOf('core.local succeeded'))).not.toContain('out-two');
  }, 30_000);

  it('answers !help and an unknown command in the terminal, never with silence', async () => {
    const dir = tempDir('squall-rt-');
    cleanups.push(() => dir.remove());
    const shell = new TestShell();
    const s = await start(dir.path, shell);
    cleanups.push(() => s.close());

    shell.type('!help');
    await shell.waitFor(/\*chatops\*[\s\S]*!run <command> - Run a shell command/);
    const mark = shell.text.length;
    shell.type('!deploy the moon');
    await shell.waitFor(/I don't know "deploy the moon"[\s\S]*!help/, 20_000, mark);
    shell.type('hello without a prefix');
    shell.type('!run true');
    await shell.waitFor(/Running `true`/, 20_000, mark);
  });

  it('loses nothing when the bot part restarts while the command runs', async () => {
    const dir = tempDir('squall-rt-');
    cleanups.push(() => dir.remove());
    const shell = new TestShell();
    const s = await start(dir.path, shell);
    cleanups.push(() => s.close());

    shell.type('!sleep 1');
    const ackText = await shell.waitFor(/On it: core\.pause, execution ([0-9a-f]{24})/);
    expect(ackText).not.toMatch(/core\.pause succeeded/);
    const id = /execution ([0-9a-f]{24})/.exec(ackText)![1]!;
    await s.chat!.stopBot();
    const done = await s.core.executions.waitForTerminal(id, 20_000);
    expect(done?.status).toBe('succeeded');
    // The bot is down: the result waits. A new shell attaches when the bot comes back.
    const shell2 = new TestShell();
    await s.chat!.startBot([shell2.adapter]);
    await shell2.waitFor(new RegExp(`core\\.pause succeeded .*${id}`));
    await new Promise((r) => setTimeout(r, 300));
    expect(shell2.count(new RegExp(`succeeded .*${id}`))).toBe(1);
    expect(shell.text).not.toMatch(/core\.pause succeeded/);
  });

  it('delivers an owed result after the whole process restarts', async () => {
    const dir = tempDir('squall-rt-');
    cleanups.push(() => dir.remove());
    const shell = new TestShell();
    const s = await start(dir.path, shell);
    shell.type('!run sleep 1; echo after restart');
    const ackText = await shell.waitFor(/Running `sleep 1; echo after restart` \(execution ([0-9a-f]{24})\)/);
    const id = /execution ([0-9a-f]{24})/.exec(ackText)![1]!;
    await s.chat!.stopBot();
    await s.core.executions.waitForTerminal(id, 20_000);
    expect(shell.text).not.toMatch(/core\.local succeeded/);
    // The in-process queue dies with the process; the owed result is in the store.
    await s.close();

    const shell2 = new TestShell();
    const s2 = await start(dir.path, shell2);
    cleanups.push(() => s2.close());
    await shell2.waitFor(new RegExp(`core\\.local succeeded .*${id}`), 30_000);
    expect(shell2.text).toContain('after restart');
  });
});
