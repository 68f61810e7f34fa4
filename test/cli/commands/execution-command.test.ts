import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { silentLogger } from '../../../engine/logger.js';
import { waitFor } from '../../support/processes.js';
import { type CliRun, runCli } from '../run-cli.js';

const WFTEST = fileURLToPath(new URL('../../fixtures/workflow-packs/wftest/', import.meta.url));

describe('squall execution pause | resume | get on a workflow', () => {
  let dir: string;
  let server: RunningServer;
  const squall = (args: string[]): Promise<CliRun> =>
    runCli(args, { env: { SQUALL_HOME: dir, SQUALL_API_URL: server.url ?? '' } });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squall-cli-workflow-'));
    server = await startServer({
      dataDir: dir,
      config: {
        api: { host: '127.0.0.1', port: 0 },
        chat: { shell: false },
        log: { level: 'silent' },
        packs: { paths: [WFTEST] },
      },
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pauses, resumes and shows the task tree with statuses', async () => {
    const headers = { 'St2-Api-Key': (await readCredentials(dir))?.api_key ?? '', 'Content-Type': 'application/json' };
    const res = await fetch(`${server.url}/api/v1/executions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ action: 'wftest.slow' }),
    });
    const { id } = (await res.json()) as { id: string };
    const status = async () => (await server.core.store.executions.get(id))?.status;

    await waitFor(async () => ((await status()) === 'running' ? true : undefined), 20_000, 'running');
    const pause = await squall(['execution', 'pause', id]);
    expect(pause.stderr).toBe('');
    expect(pause.stdout).toBe(`Execution ${id}: pausing\n`);
    await waitFor(async () => ((await status()) === 'paused' ? true : undefined), 20_000, 'paused');

    const paused = await squall(['execution', 'get', id]);
    expect(paused.stdout).toMatch(/status: +paused/);
    // Paused after the task running when asked (the CLI takes a moment to start): nothing after it.
    const pausedTree = paused.stdout.slice(paused.stdout.indexOf('tasks:')).trim().split('\n').slice(1);
    expect(pausedTree.length).toBeGreaterThan(0);
    expect(pausedTree.length).toBeLessThan(3);
    for (const line of pausedTree) expect(line).toMatch(/^[├└]─ ✔ {2}(one|two) {2}core\.local {2}succeeded/);

    const resume = await squall(['execution', 'resume', id]);
    expect(resume.stdout).toBe(`Execution ${id}: resuming\n`);
    await waitFor(async () => ((await status()) === 'succeeded' ? true : undefined), 20_000, 'succeeded');

    const done = await squall(['execution', 'get', id]);
    const tree = done.stdout.slice(done.stdout.indexOf('tasks:'));
    expect(tree).toMatch(
      /^tasks:\n├─ ✔ {2}one {2}core\.local {2}succeeded.*\n├─ ✔ {2}two {2}core\.local {2}succeeded.*\n└─ ✔ {2}three {2}core\.noop {2}succeeded/,
    );

    const noop = await squall(['execution', 'pause', 'ffffffffffffffffffffffff']);
    expect(noop.code).not.toBe(0);
  });

  it("re-run --tasks runs a failed workflow again from that task, reusing the earlier tasks' results", async () => {
    const marker = join(dir, 'marker');
    const first = await squall(['run', 'wftest.rerunnable', `marker=${marker}`, '--json']);
    const failed = JSON.parse(first.stdout) as { id: string; status: string };
    expect(failed.status).toBe('failed');
    const kids = async (id: string) =>
      (await server.core.store.executions.list({ parent: id, order: 'asc' })).items.map(
        (k) => (k.context.orquesta as { task_name: string }).task_name,
      );
    expect(await kids(failed.id)).toEqual(['first', 'check']);

    const unknown = await squall(['execution', 're-run', failed.id, '--tasks', 'nope']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Unable to rerun workflow because one or more tasks is not found: nope.');

    await writeFile(marker, '');
    const again = await squall(['execution', 're-run', failed.id, '--tasks', 'check', '--json']);
    const rerun = JSON.parse(again.stdout) as { id: string; status: string; result: unknown; context: unknown };
    expect(rerun.status).toBe('succeeded');
    expect(rerun.result).toEqual({ output: { said: 'first', done: 'first then last' } });
    expect(rerun.context).toMatchObject({ re_run: { ref: failed.id, tasks: ['check'], reset: ['check'] } });
    // `first` ran once, in the original execution; the re-run starts at `check`.
    expect(await kids(rerun.id)).toEqual(['check', 'last']);
  });
});
