import { validateAliasFormats } from '../aliases/matcher.js';
import { presentExecution } from './api/present-execution.js';
import type { AuthService } from './auth/auth-service.js';
import { createAuthService } from './auth/create-auth-service.js';
import type { Bus } from './bus/bus.js';
import { createBus } from './bus/create-bus.js';
import type { ResolvedConfig } from './config/resolve-config.js';
import { createExecutionService } from './executions/create-execution-service.js';
import type { ExecutionService } from './executions/execution-service.js';
import { TerminalWaiters } from './executions/terminal-waiters.js';
import type { Logger } from './logger.js';
import type { Execution } from './model/execution.js';
import type { JsonObject } from './model/json.js';
import { type RegisterReport, registerPacks } from './packs/pack-registrar.js';
import { builtinPacksDir } from './packs/packs-root.js';
import { createRunnerRegistry, type RunnerRegistry } from './runners/runner-registry.js';
import { createStore } from './store/create-store.js';
import type { Store } from './store/store.js';
import { StreamPublisher } from './stream/stream-publisher.js';

/**
 * The engine's shared parts, built once per process by the composition root. This is the only
 * place that chooses adapters (store, bus); every role below receives ports.
 */
export interface EngineCore {
  config: ResolvedConfig;
  logger: Logger;
  store: Store;
  bus: Bus;
  runners: RunnerRegistry;
  auth: AuthService;
  executions: ExecutionService;
  waiters: TerminalWaiters;
  stream: StreamPublisher;
  /** An execution as the API and templates see it (secrets masked). */
  present: (e: Execution) => JsonObject;
  /** Registers the built-in packs and the configured pack folders (`packs` limits it by name). */
  registerPacks(opts?: { packs?: string[] }): Promise<RegisterReport>;
  close(): Promise<void>;
}

export async function createEngineCore(config: ResolvedConfig, logger: Logger): Promise<EngineCore> {
  const store = await createStore(config.store, { logger });
  await store.init();
  let bus: Bus;
  try {
    bus = await createBus(config.bus, { logger });
  } catch (e) {
    await store.close();
    throw e;
  }
  const runners = createRunnerRegistry();
  const present = (e: Execution): JsonObject =>
    presentExecution(e, { runners, showSecrets: false, publicUrl: config.api.publicUrl }) as unknown as JsonObject;
  // SQLite hands out event ids in call order, so stream writes may share commits.
  const stream = new StreamPublisher({ store, bus, logger, present, orderedAppends: config.store.kind === 'sqlite' });
  const waiters = new TerminalWaiters(store);
  const executions = createExecutionService({
    store,
    bus,
    runners,
    logger: logger.child({ component: 'executions' }),
    events: stream,
    waiters,
    timeouts: config.executions,
  });
  const auth = createAuthService(store, { tokenTtlS: config.auth.tokenTtlS, logger });
  const packDirs = [builtinPacksDir(), ...config.packPaths];
  return {
    config,
    logger,
    store,
    bus,
    runners,
    auth,
    executions,
    waiters,
    stream,
    present,
    registerPacks: (opts = {}) =>
      registerPacks(store, packDirs, {
        ...(opts.packs ? { packs: opts.packs } : {}),
        validateAlias: validateAliasFormats,
      }),
    async close() {
      await stream.drain();
      await bus.close();
      await store.close();
    },
  };
}
