import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { validateAliasFormats } from '../aliases/matcher.js';
import { configuredPlatformNames, PLATFORMS } from '../bot/platforms.js';
import { presentExecution } from '../engine/api/present-execution.js';
import { ActionPolicy } from '../engine/auth/action-policy.js';
import type { AuthService } from '../engine/auth/auth-service.js';
import { createAuthService } from '../engine/auth/create-auth-service.js';
import type { Bus } from '../engine/bus/bus.js';
import { createBus } from '../engine/bus/create-bus.js';
import type { ResolvedConfig } from '../engine/config/resolve-config.js';
import { KvCipher } from '../engine/datastore/kv-cipher.js';
import { KvService } from '../engine/datastore/kv-service.js';
import { createExecutionService } from '../engine/executions/create-execution-service.js';
import type { ExecutionService } from '../engine/executions/execution-service.js';
import { SecretParameters } from '../engine/executions/secret-parameters.js';
import { TerminalWaiters } from '../engine/executions/terminal-waiters.js';
import { InquiryService } from '../engine/inquiries/inquiry-service.js';
import type { Logger } from '../engine/logger.js';
import type { Pack } from '../engine/model/action.js';
import type { Execution } from '../engine/model/execution.js';
import type { JsonObject } from '../engine/model/json.js';
import { describeOrigin, PackInstaller, readPackOrigin } from '../engine/packs/install/pack-installer.js';
import {
  invalidConfigMessage,
  loadPackConfig,
  type PackConfigFiles,
  packConfigSecrets,
  readPackConfig,
} from '../engine/packs/pack-config.js';
import { type RegisterReport, type RegisterRequest, registerPacks } from '../engine/packs/pack-registrar.js';
import { builtinPacksDir } from '../engine/packs/packs-root.js';
import { hasPythonContent, setupPackVenv } from '../engine/packs/python/pack-venv.js';
import { createAnnouncementRunner } from '../engine/runners/announcement-runner.js';
import { createChatPostRunner } from '../engine/runners/chat-post-runner.js';
import { createInquirerRunner } from '../engine/runners/inquirer-runner.js';
import { createActionChainRunner, createOrquestaRunner } from '../engine/runners/orquesta-runner.js';
import { createPackManagementRunner } from '../engine/runners/pack-management-runner.js';
import { createPythonScriptRunner } from '../engine/runners/python-script-runner.js';
import { createRunnerRegistry, type RunnerRegistry } from '../engine/runners/runner-registry.js';
import { isRunnerType } from '../engine/runners/runner-types.js';
import { createStore } from '../engine/store/create-store.js';
import type { Store } from '../engine/store/store.js';
import { StreamHub } from '../engine/stream/stream-hub.js';
import { StreamPublisher } from '../engine/stream/stream-publisher.js';
import { createTriggerDispatcher, type TriggerDispatcher } from '../engine/triggers/trigger-dispatcher.js';
import { WorkflowEngine } from '../engine/workflows/runtime/workflow-engine.js';

/**
 * The engine's shared parts, built once per process. This is the only place that chooses adapters
 * (store, bus); every role receives ports.
 */
export interface EngineCore {
  config: ResolvedConfig;
  logger: Logger;
  store: Store;
  bus: Bus;
  runners: RunnerRegistry;
  auth: AuthService;
  /** StackStorm's datastore: `store.kv` with encryption, expiry and change triggers. */
  kv: KvService;
  /** A pack's config (`<data_dir>/configs/<pack>.yaml` with its schema's defaults), as `user` sees it. */
  packConfig(pack: string, user?: string): Promise<JsonObject>;
  /** A pack's config file and schema as on disk, with the problems of one against the other. */
  packConfigFiles(pack: string): Promise<PackConfigFiles>;
  /** Why a pack's actions must not run: its config does not match its schema (file, key, problem). */
  packConfigProblem(pack: string): Promise<string | undefined>;
  /** The values of a pack's secret config options, rendered as `user`'s actions see them: masked in their output. */
  packConfigSecrets(pack: string, user?: string): Promise<string[]>;
  executions: ExecutionService;
  /** Orquesta workflows: started by the `orquesta` runner, advanced by the workflows role. */
  workflows: WorkflowEngine;
  /** `core.ask`'s questions: opened by the `inquirer` runner, answered through the API, CLI and chat. */
  inquiries: InquiryService;
  /** Which actions each role may run (`auth.roles.<role>.actions`); the execution service enforces it. */
  actionPolicy: ActionPolicy;
  /** Stores trigger instances and hands them to the rules engine (webhooks, timers, sensors, datastore). */
  triggers: TriggerDispatcher;
  waiters: TerminalWaiters;
  stream: StreamPublisher;
  /** This process's SSE fan-out; started by whoever serves the stream, stopped by `close()`. */
  hub: StreamHub;
  /** An execution as the API and templates see it (secrets masked). */
  present: (e: Execution) => JsonObject;
  /**
   * Registers the built-in packs, the installed ones (`<data_dir>/packs`) and the configured pack
   * folders (`packs.paths`); `packs` limits it by name. A pack with Python content gets its
   * virtual environment first, and is refused when that fails.
   */
  registerPacks(opts?: RegisterRequest): Promise<RegisterReport>;
  /** `squall pack install` / `remove` (run by the `packs.install` / `packs.uninstall` actions). */
  installer: PackInstaller;
  close(): Promise<void>;
}

/** Knobs for tests; a server never sets them. */
export interface EngineCoreOptions {
  /** How often waiters on another process's executions look at the store. @default 250 */
  waiterPollMs?: number;
}

export async function createEngineCore(
  config: ResolvedConfig,
  logger: Logger,
  opts: EngineCoreOptions = {},
): Promise<EngineCore> {
  const store = await createStore(config.store, { logger });
  await store.init();
  let bus: Bus;
  let cipher: KvCipher;
  try {
    // Created (0600) on first start; the key never enters the store.
    cipher = await KvCipher.fromKeyFile(join(config.dataDir, 'datastore.key'));
    bus = await createBus(config.bus, { logger });
  } catch (e) {
    await store.close();
    throw e;
  }
  // chatops.post_message reaches the platforms of the bot's table: the engine learns their names here.
  const chatRoutes = {
    known: () => PLATFORMS.map((p) => p.name),
    configured: () => configuredPlatformNames({ chat: config.chat, env: config.env }),
  };
  const triggers = createTriggerDispatcher({ store, bus, logger });
  const kv = new KvService({ store, cipher, logger, triggers });
  const packConfigDeps = { store, configsDir: join(config.dataDir, 'configs'), kv: kv.lookup, decrypt: kv.decrypt };
  // The workflow engine requests child executions, so it is built after the execution service.
  let workflows: WorkflowEngine | undefined;
  let installer: PackInstaller | undefined;
  let inquiries: InquiryService | undefined;
  const chatPost = createChatPostRunner({ store, bus, routes: chatRoutes });
  let stream: StreamPublisher | undefined;
  const runners = createRunnerRegistry([
    chatPost,
    createAnnouncementRunner({
      announce: () => (route, payload) => stream?.announce(route, payload),
      chatPost,
    }),
    createOrquestaRunner(() => workflows),
    createActionChainRunner(() => workflows),
    createPythonScriptRunner({
      dataDir: config.dataDir,
      python: config.python.interpreter,
      packConfig: (pack, user) => loadPackConfig(packConfigDeps, pack, user),
    }),
    createPackManagementRunner({
      installer: () => installer as PackInstaller,
      register: (packs) => register(packs ? { packs } : {}),
      indexUrls: config.packIndexUrls,
    }),
    createInquirerRunner(() => inquiries),
  ]);
  const present = (e: Execution): JsonObject =>
    presentExecution(e, { runners, showSecrets: false, publicUrl: config.api.publicUrl }) as unknown as JsonObject;
  // SQLite hands out event ids in call order, so stream writes may share commits.
  stream = new StreamPublisher({ store, bus, logger, present, orderedAppends: config.store.kind === 'sqlite' });
  const waiters = new TerminalWaiters(store, opts.waiterPollMs !== undefined ? { pollMs: opts.waiterPollMs } : {});
  const actionPolicy = new ActionPolicy(config.auth.actionRules, config.auth.grants);
  const executions = createExecutionService({
    store,
    bus,
    runners,
    logger: logger.child({ component: 'executions' }),
    // Secret parameter values are stored sealed with the datastore's key.
    secrets: new SecretParameters(cipher),
    events: stream,
    waiters,
    timeouts: config.executions,
    templateDefaults: {
      kv: kv.lookup,
      decrypt: kv.decrypt,
      packConfig: (pack, user) => loadPackConfig(packConfigDeps, pack, user),
    },
    actionPolicy,
  });
  workflows = new WorkflowEngine({
    store,
    bus,
    executions,
    events: stream,
    waiters,
    logger,
    kv: { lookup: kv.lookup, decrypt: kv.decrypt },
  });
  inquiries = new InquiryService({
    store,
    bus,
    events: stream,
    waiters,
    triggers,
    logger,
    routes: chatRoutes,
    requesterMayRespond: config.inquiries.requesterMayRespond,
  });
  const auth = createAuthService(store, { tokenTtlS: config.auth.tokenTtlS, grants: config.auth.grants, logger });
  const hub = new StreamHub({ store, bus, logger });
  const installedPacks = join(config.dataDir, 'packs');
  const packDirs = [builtinPacksDir(), installedPacks, ...config.packPaths];
  const builtinRefs = new Set(await readdir(builtinPacksDir()).catch(() => [] as string[]));
  const origin = async (pack: Pack): Promise<string> => {
    if (pack.path.startsWith(builtinPacksDir())) return 'built-in';
    const recorded = pack.path.startsWith(installedPacks) ? await readPackOrigin(config.dataDir, pack.ref) : undefined;
    return recorded ? describeOrigin(recorded) : `folder ${pack.path}`;
  };
  const venvLog = logger.child({ component: 'packs' });
  const setupVenv = async (pack: { ref: string; dir: string }, o: RegisterRequest): Promise<void> => {
    if (!(await hasPythonContent(pack.dir))) return;
    const venv = await setupPackVenv({
      packDir: pack.dir,
      packName: pack.ref,
      dataDir: config.dataDir,
      python: config.python.interpreter,
      pipArgs: config.python.pipArgs,
      ...(o.noDeps ? { noDeps: true } : {}),
      ...(o.forceVenv ? { force: true } : {}),
      onProgress: (line) => venvLog.debug('pack environment', { pack: pack.ref, line }),
    });
    if (venv.created || venv.requirements === 'installed') {
      venvLog.info('pack environment ready', { pack: pack.ref, venv: venv.venvDir, requirements: venv.requirements });
    }
  };
  const register = async (o: RegisterRequest = {}): Promise<RegisterReport> => {
    await mkdir(installedPacks, { recursive: true });
    const report = await registerPacks(store, packDirs, {
      ...(o.packs ? { packs: o.packs } : {}),
      validateAlias: validateAliasFormats,
      runnerSupported: isRunnerType,
      origin,
      prepare: (pack, dir) => setupVenv({ ref: pack.ref, dir }, o),
      configProblems: async (pack) => (await readPackConfig(packConfigDeps, pack)).problems,
    });
    // Registration may have added, changed or pruned rules and aliases: rules engines and alias catalogs reload them.
    await bus.publish('rules.changed', { at: new Date().toISOString() }).catch((e: unknown) => {
      logger.warn('rules may have changed but the broadcast failed', { error: (e as Error).message });
    });
    return report;
  };
  installer = new PackInstaller({
    dataDir: config.dataDir,
    indexUrls: config.packIndexUrls,
    store,
    builtinRefs,
    // The installer has just set up the environment (with or without requirements, as asked): registering
    // only checks that it exists rather than running pip a second time.
    register: (packs) => register({ packs, noDeps: true }),
    setupVenv: (pack, o) => setupVenv(pack, { noDeps: o.noDeps }),
    logger: logger.child({ component: 'packs' }),
  });
  return {
    config,
    logger,
    store,
    bus,
    runners,
    auth,
    kv,
    packConfig: (pack, user) => loadPackConfig(packConfigDeps, pack, user),
    packConfigFiles: (pack) => readPackConfig(packConfigDeps, pack),
    packConfigSecrets: (pack, user) => packConfigSecrets(packConfigDeps, pack, user),
    packConfigProblem: async (pack) => {
      try {
        const { problems } = await readPackConfig(packConfigDeps, pack);
        if (problems.length === 0) return undefined;
        return invalidConfigMessage(pack, problems);
      } catch (e) {
        return (e as Error).message;
      }
    },
    executions,
    workflows,
    inquiries,
    actionPolicy,
    triggers,
    waiters,
    stream,
    hub,
    present,
    registerPacks: register,
    installer,
    async close() {
      await hub.stop();
      await stream.drain();
      await bus.close();
      await store.close();
    },
  };
}
