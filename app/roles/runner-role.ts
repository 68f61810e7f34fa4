import { join } from 'node:path';
import type { Worker, WorkerDeps } from '../../engine/executions/worker.js';
import type { Execution } from '../../engine/model/execution.js';
import { installRoot } from '../../lib/install-root.js';
import type { EngineCore } from '../engine-core.js';
import { consumerGroup, type Role } from './role.js';

/** Runners that start child processes get the API's address and a short-lived token, as StackStorm's do. */
const SHELL_RUNNERS = new Set(['local-shell-cmd', 'local-shell-script', 'python-script']);

/** Claims scheduled executions and runs them. */
export const runnerRole: Role = {
  name: 'runner',
  summary: 'runs actions',
  queues: ['execution.scheduled'],
  // The queue was named before roles were a table; renaming it would strand work on running brokers.
  group: 'runners',
  async start(ctx) {
    let worker: Worker | undefined;
    // Claiming work waits for start-up recovery, which must not see this process's fresh runs as a dead one's.
    ctx.afterStart(async () => {
      worker = await startWorker(ctx.core, ctx.apiUrl);
    });
    return {
      stop: async () => worker?.stop({ graceMs: ctx.core.config.shutdown.graceMs, now: ctx.stopNow }),
    };
  },
};

/** A Worker with the runner role's settings; `over` replaces any of them (tests). */
export async function startWorker(
  core: EngineCore,
  apiUrl: () => string | undefined,
  over: Partial<WorkerDeps> = {},
): Promise<Worker> {
  const { Worker } = await import('../../engine/executions/worker.js');
  const { store, bus, runners, logger, stream, waiters, config } = core;
  const cli = join(installRoot(), 'bin', 'squall.js');
  return Worker.start({
    store,
    bus,
    runners,
    logger,
    events: stream,
    waiters,
    concurrency: config.executions.concurrency,
    heartbeatMs: config.executions.heartbeatMs,
    group: consumerGroup(runnerRole),
    parametersOf: (e) => core.executions.parametersOf(e),
    refusal: (e) => core.packConfigProblem(e.action.pack),
    configSecrets: (pack, user) => core.packConfigSecrets(pack, user),
    // StackStorm deletes an action's token when the action ends rather than leaving it to expire.
    actionEnvDone: async (env) => {
      if (env.ST2_ACTION_AUTH_TOKEN) await core.auth.revokeToken(env.ST2_ACTION_AUTH_TOKEN);
    },
    actionEnv: async (e: Execution) => {
      if (!SHELL_RUNNERS.has(e.runner_type)) return {};
      const env: Record<string, string> = {
        ST2_ACTION_PACK_NAME: e.action.pack,
        ST2_ACTION_EXECUTION_ID: e.id,
        SQUALL_CLI: cli,
        SQUALL_NODE: process.execPath,
      };
      const url = apiUrl();
      if (url) {
        env.ST2_ACTION_API_URL = `${url}/api/v1`;
        env.ST2_API_URL = `${url}/api/v1`;
        env.SQUALL_API_URL = url;
        try {
          const ttl = Math.max(60, Math.ceil((e.timeout_s ?? 600) + 60));
          const { token } = await core.auth.issueToken(e.context.user, ttl, { execution_id: e.id });
          env.ST2_ACTION_AUTH_TOKEN = token;
          env.SQUALL_AUTH_TOKEN = token;
          // StackStorm sets both names; st2client-based code reads the shorter ones.
          env.ST2_AUTH_TOKEN = token;
        } catch {
          // A user without an account (a chat default-role user) gets no token; the action runs without one.
        }
      }
      return env;
    },
    ...over,
  });
}
