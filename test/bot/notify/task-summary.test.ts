import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { tempDir } from '../../../bench/bench-util.js';
import { silentLogger } from '../../../engine/logger.js';
import { TestShell } from '../../support/chat-shell.js';

const WFTEST = fileURLToPath(new URL('../../fixtures/workflow-packs/wftest/', import.meta.url));

describe('workflow results and !show execution in chat (terminal adapter, real server)', () => {
  const dir = tempDir('squall-wf-chat-');
  const shell = new TestShell();
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({
      dataDir: dir.path,
      config: { api: { port: 0 }, log: { level: 'silent' }, chat: { shell: false }, packs: { paths: [WFTEST] } },
      logger: silentLogger,
      localShellChannel: 'terminal',
      adapters: () => [shell.adapter],
    });
  });
  afterAll(async () => {
    await s?.close();
    dir.remove();
  });

  it("summarises a failed workflow's tasks with the failing task's error, and shows its tree", async () => {
    shell.type(`!wfcheck ${dir.path}/no-such-marker`);
    const t = await shell.waitFor(/wftest\.rerunnable failed/, 30_000);
    const result = t.slice(t.indexOf('wftest.rerunnable failed'));
    const id = /\(execution ([0-9a-f]{24})\)/.exec(result)?.[1] ?? '';
    expect(result).toMatch(/Tasks: 2 \(1 succeeded, 1 failed\)/);
    expect(result).toMatch(/✔ first {2}core\.echo {2}succeeded/);
    expect(result).toMatch(/✖ check {2}core\.local {2}failed/);
    // The failing task's own error, not only "the workflow failed".
    expect(result).toMatch(/✖ check {2}core\.local {2}failed.*\n\s+exit code 1\n/);

    const mark = shell.text.length;
    shell.type(`!show execution ${id}`);
    const shown = (await shell.waitFor(/tasks:[\s\S]*└─/, 20_000, mark)).slice(mark);
    expect(shown).toContain(`wftest.rerunnable failed`);
    expect(shown).toMatch(/├─ ✔ {2}first {2}core\.echo {2}succeeded/);
    expect(shown).toMatch(/└─ ✖ {2}check {2}core\.local {2}failed.*\n[\s│]+exit code 1/);

    const missing = shell.text.length;
    shell.type('!show execution ffffffffffffffffffffffff');
    await shell.waitFor(/No execution has id ffffffffffffffffffffffff\./, 20_000, missing);
  });
});
