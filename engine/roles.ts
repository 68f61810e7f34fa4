import { join } from 'node:path';
import { installRoot } from '../lib/install-root.js';
import type { Subscription } from './bus/bus.js';
import type { ProcessRole } from './config/config-schema.js';
import type { EngineCore } from './engine.js';
import { startScheduler } from './executions/scheduler.js';
import { Sweeper } from './executions/sweeper.js';
import { Worker } from './executions/worker.js';
import { Housekeeping } from './housekeeping.js';
import type { Execution } from './model/execution.js';
import { startNotifier } from './notifier/notifier.js';

export interface EngineRoles {
  worker: Worker | undefined;
  sweeper: Sweeper | undefined;
  stop(): Promise<void>;
}

/** Runners that start child processes get the API's address and a short-lived token, as StackStorm's do. */
const SHELL_RUNNERS = new Set(['local-shell-cmd', 'local-shell-script']);

/**
 * Starts the engine roles this process runs. In embedded mode (in-process bus) this process is the
 * only runner, so start-up first recovers whatever a previous process left: `requested`/`scheduled`
 * work is queued again and `running` work (whose process is gone) is marked abandoned.
 */
export async function startEngineRoles(
  core: EngineCore,
  roles: readonly ProcessRole[],
  /** The API's base URL for actions (known once the server listens, which may come after the roles start). */
  apiUrl: () => string | undefined,
): Promise<EngineRoles> {
  const { store, bus, logger, runners, stream, waiters, config } = core;
  const subs: Subscription[] = [];
  let worker: Worker | undefined;
  let sweeper: Sweeper | undefined;
  const embedded = config.bus.kind === 'memory';

  if (roles.includes('scheduler')) {
    sweeper = new Sweeper({
      store,
      bus,
      logger,
      events: stream,
      waiters,
      requeueAfterMs: config.executions.requeueAfterMs,
      abandonAfterMs: config.executions.abandonAfterMs,
      sweepMs: config.executions.sweepMs,
    });
    subs.push(await startScheduler({ store, bus, logger, events: stream }));
  }
  if (roles.includes('notifier')) subs.push(await startNotifier({ store, bus, runners, logger }));
  if (embedded && sweeper) {
    const recovered = await sweeper.sweep({ requeueOlderThanMs: 0, abandonOlderThanMs: 0 });
    if (recovered.requeued + recovered.abandoned > 0) logger.info('recovered work left by a previous run', recovered);
  }
  if (roles.includes('runner')) {
    const cli = join(installRoot(), 'bin', 'squall.js');
    worker = await Worker.start({
      store,
      bus,
      runners,
      logger,
      events: stream,
      waiters,
      concurrency: config.executions.concurrency,
      heartbeatMs: config.executions.heartbeatMs,
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
          env.SQUALL_API_URL = url;
          try {
            const ttl = Math.max(60, Math.ceil((e.timeout_s ?? 600) + 60));
            const { token } = await core.auth.issueToken(e.context.user, ttl, { execution_id: e.id });
            env.ST2_ACTION_AUTH_TOKEN = token;
            env.SQUALL_AUTH_TOKEN = token;
          } catch {
            // A user without an account (a chat default-role user) gets no token; the action runs without one.
          }
        }
        return env;
      },
    });
  }
  sweeper?.start();
  const housekeeping = roles.includes('scheduler') ? new Housekeeping({ store, logger }) : undefined;
  housekeeping?.start();
  return {
    worker,
    sweeper,
    async stop() {
      housekeeping?.stop();
      sweeper?.stop();
      await worker?.stop();
      await Promise.all(subs.map((s) => s.cancel()));
    },
  };
}
