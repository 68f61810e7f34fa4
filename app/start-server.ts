import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SquallOptions } from '../engine/config/config-schema.js';
import { readEnv } from '../engine/config/from-env.js';
import type { ConfigOverrides, ResolvedConfig } from '../engine/config/resolve-config.js';
import { createLogger, type Logger } from '../engine/logger.js';
import type { ChatParts } from './chat-parts.js';
import { loadConfigFile, parseConfig, resolveConfig } from './config.js';
import { createEngineCore, type EngineCore } from './engine-core.js';
import { HttpServer } from './http/http-server.js';
import type { ServerHooks } from './roles/role.js';
import { type StartedRoles, startRoles } from './roles/start-roles.js';

export interface ServerOptions extends ConfigOverrides, ServerHooks {
  /** A squall.yaml to read. @default <data-dir>/squall.yaml when it exists */
  configPath?: string;
  /** Inline configuration (tests, benchmarks); wins over configPath. */
  config?: SquallOptions;
  logger?: Logger;
  /** Write logs to `<data-dir>/squall.log` instead of stderr (the terminal belongs to the chat shell). */
  logToFile?: boolean;
}

export interface RunningServer {
  /** Base URL of the API (`http://host:port`), or undefined when this process runs no API. */
  url: string | undefined;
  config: ResolvedConfig;
  core: EngineCore;
  chat: ChatParts | undefined;
  roles: StartedRoles;
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

/**
 * Starts the configured roles in this process and, when one of them serves the API, listens. Roles
 * start first, so that work the API accepts as soon as it listens has consumers waiting for it.
 */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const env = readEnv();
  const options = loadOptions(opts, opts.dataDir ?? env.home);
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
  const http = new HttpServer();
  let roles: StartedRoles | undefined;
  try {
    roles = await startRoles(core, config.roles, {
      http,
      hooks: {
        ...(opts.adapters ? { adapters: opts.adapters } : {}),
        ...(opts.localShellChannel ? { localShellChannel: opts.localShellChannel } : {}),
      },
    });
    if (http.serving) await http.listen(config.api.host, config.api.port);
  } catch (e) {
    await roles?.stop().catch(() => {});
    await http.close().catch(() => {});
    await core.close().catch(() => {});
    throw e;
  }
  const running = roles;
  return {
    url: http.url,
    config,
    core,
    chat: running.chat,
    roles: running,
    credentialsPath: running.notes.credentialsPath,
    logPath,
    async close() {
      await running.stop();
      await http.close();
      await core.close();
    },
  };
}
