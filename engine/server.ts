import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyServerFactory } from 'fastify';
import type { ChatAdapter } from '../bot/chat-adapter.js';
import { type ChatParts, createChatParts } from '../bot/chat-parts.js';
import type { SlackAdapter } from '../bot/slack/slack-adapter.js';
import type { TeamsAdapter } from '../bot/teams/teams-adapter.js';
import { buildApi } from './api/build-api.js';
import type { SquallOptions } from './config/config-schema.js';
import { readEnv } from './config/from-env.js';
import {
  type ConfigOverrides,
  loadConfigFile,
  parseConfig,
  type ResolvedConfig,
  resolveConfig,
} from './config/resolve-config.js';
import { createEngineCore, type EngineCore } from './engine.js';
import { createLogger, type Logger } from './logger.js';
import { type EngineRoles, startEngineRoles } from './roles.js';

export interface ServerOptions extends ConfigOverrides {
  /** A squall.yaml to read. @default <data-dir>/squall.yaml when it exists */
  configPath?: string;
  /** Inline configuration (tests, benchmarks); wins over configPath. */
  config?: SquallOptions;
  logger?: Logger;
  /** Chat adapters to run in the bot role besides those configured (the terminal shell). */
  adapters?: (parts: ChatParts, core: EngineCore) => ChatAdapter[] | Promise<ChatAdapter[]>;
  /** Channel of the in-process terminal shell, so remote shells' results are not sent to it. */
  localShellChannel?: string;
  /** Write logs to `<data-dir>/squall.log` instead of stderr (the terminal belongs to the chat shell). */
  logToFile?: boolean;
}

export interface RunningServer {
  /** Base URL of the API (`http://host:port`), or undefined when this process runs no API. */
  url: string | undefined;
  config: ResolvedConfig;
  core: EngineCore;
  chat: ChatParts | undefined;
  roles: EngineRoles;
  /** Where the first-start admin credentials are. */
  credentialsPath: string | undefined;
  /** The log file, when logs go to one. */
  logPath: string | undefined;
  close(): Promise<void>;
}

function loadOptions(opts: ServerOptions, dataDir: string): SquallOptions {
  if (opts.config) return parseConfig(opts.config, 'config');
  if (opts.configPath) return loadConfigFile(opts.configPath);
  const inDataDir = join(dataDir, 'squall.yaml');
  return existsSync(inDataDir) ? loadConfigFile(inDataDir) : {};
}

/** Starts the configured roles in this process and, with the api role, listens. */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const env = readEnv();
  const preliminaryDir = opts.dataDir ?? env.home;
  const options = loadOptions(opts, preliminaryDir);
  const config = resolveConfig(options, env, opts);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const logPath = opts.logToFile && !opts.logger ? join(config.dataDir, 'squall.log') : undefined;
  const logger =
    opts.logger ??
    createLogger({
      level: config.logLevel,
      ...(logPath ? { destination: createWriteStream(logPath, { flags: 'a', mode: 0o600 }) } : {}),
    });
  const core = await createEngineCore(config, logger);
  const hasApi = config.roles.includes('api');
  const hasBot = config.roles.includes('bot');
  let chat: ChatParts | undefined;
  let server: Server | undefined;
  let url: string | undefined;
  let credentialsPath: string | undefined;
  let roles: EngineRoles | undefined;
  const closers: (() => Promise<unknown>)[] = [];
  try {
    if (hasApi) {
      const report = await core.registerPacks();
      for (const p of report.problems)
        logger.warn('pack problem', { file: p.file, field: p.field, problem: p.problem });
      logger.info('packs registered', { packs: report.packs, actions: report.actions, aliases: report.aliases });
      credentialsPath = (await core.auth.bootstrap(config.dataDir)).credentialsPath;
    }
    if (hasApi || hasBot) {
      chat = await createChatParts(core, opts.localShellChannel ? { localShellChannel: opts.localShellChannel } : {});
    }
    // Roles first, so that work accepted by the API as soon as it listens has consumers waiting for it.
    roles = await startEngineRoles(core, config.roles, () => config.api.publicUrl ?? url);
    const slack = hasBot ? await createConfiguredSlack(core) : undefined;
    const teams = hasBot ? await createConfiguredTeams(core) : undefined;
    if (hasApi) {
      // One port for everything: Slack's Events API requests go to Bolt's listener, the rest to the API.
      const serverFactory: FastifyServerFactory = (handler) =>
        createServer((req, res) => {
          if (slack && req.url?.startsWith('/slack/')) slack.httpHandler(req, res);
          else if (teams && (req.url === '/api/messages' || req.url?.startsWith('/api/messages?')))
            teams.httpHandler(req, res);
          else handler(req, res);
        });
      const app = buildApi(
        {
          store: core.store,
          bus: core.bus,
          executions: core.executions,
          auth: core.auth,
          runners: core.runners,
          logger,
          registerPacks: async (o) => {
            const r = await core.registerPacks(o);
            await chat?.catalog.refresh();
            return r;
          },
        },
        {
          bodyLimit: config.api.bodyLimit,
          ...(config.api.publicUrl ? { publicUrl: config.api.publicUrl } : {}),
          serverFactory,
        },
      );
      await chat?.registerRoutes(app);
      await app.listen({ host: config.api.host, port: config.api.port });
      server = app.server;
      const addr = server.address() as AddressInfo;
      const host = config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host;
      url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${addr.port}`;
      closers.push(() => app.close());
    }
    if (hasBot && chat) {
      const extra = [
        ...(slack ? [slack] : []),
        ...(teams ? [teams] : []),
        ...((await opts.adapters?.(chat, core)) ?? []),
      ];
      await chat.startBot(extra);
    }
  } catch (e) {
    await roles?.stop().catch(() => {});
    await chat?.stop().catch(() => {});
    for (const c of closers.splice(0)) await c().catch(() => {});
    await core.close().catch(() => {});
    throw e;
  }
  const running = roles;
  return {
    url,
    config,
    core,
    chat,
    roles: running,
    credentialsPath,
    logPath,
    async close() {
      await chat?.stop();
      await running.stop();
      for (const c of closers.splice(0)) await c();
      await core.close();
    },
  };
}

/** The Slack adapter when Slack is configured (squall.yaml `chat.slack` or SQUALL_SLACK_* variables). */
async function createConfiguredSlack(core: EngineCore): Promise<SlackAdapter | undefined> {
  const { isSlackConfigured, resolveSlackConfig } = await import('../bot/slack/slack-config.js');
  if (!isSlackConfigured(core.config.chat.slack, core.config.env)) return undefined;
  const config = resolveSlackConfig(core.config.chat.slack, core.config.env);
  const { createSlackAdapter } = await import('../bot/slack/slack-adapter.js');
  return createSlackAdapter({ config, store: core.store, logger: core.logger });
}

/** The Teams adapter when Teams is configured (squall.yaml `chat.teams` or SQUALL_TEAMS_* variables). */
async function createConfiguredTeams(core: EngineCore): Promise<TeamsAdapter | undefined> {
  const { isTeamsConfigured, resolveTeamsConfig } = await import('../bot/teams/teams-config.js');
  if (!isTeamsConfigured(core.config.chat.teams, core.config.env)) return undefined;
  const config = resolveTeamsConfig(core.config.chat.teams, core.config.env);
  const { createTeamsAdapter } = await import('../bot/teams/teams-adapter.js');
  return createTeamsAdapter({ config, store: core.store, logger: core.logger });
}

export interface RunServerOptions {
  host?: string;
  port?: number;
  dataDir?: string;
  configPath?: string;
  roles?: string[];
  /** Open the terminal chat shell when stdin/stdout are a terminal and no chat platform is configured. @default true */
  shell?: boolean;
}

/**
 * `squall start`: runs until SIGINT/SIGTERM (or the terminal shell is closed) and resolves to the
 * process exit code. Start-up problems (bad config, port in use) are one clear line, exit code 1.
 */
export async function runServer(opts: RunServerOptions = {}): Promise<number> {
  const { runServerInTerminal } = await import('./run-server.js');
  return runServerInTerminal(opts);
}
