import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../../lib/duration-text.js';
import { issueTexts, unknownKeysInQuotes } from '../../lib/zod-issues.js';
import type { ActionRules } from '../auth/action-policy.js';
import type { Permission, PermissionGrants } from '../auth/permissions.js';
import type { BusConfig } from '../bus/bus.js';
import { SquallError } from '../errors.js';
import type { GcRetention } from '../gc/garbage-collector.js';
import { GC_COLLECTIONS } from '../gc/gc-collections.js';
import type { LogLevel } from '../logger.js';
import type { Role } from '../model/auth.js';
import type { StoreConfig } from '../store/store.js';
import { configSchemaFor, type RoleNames, type SquallOptions } from './config-schema.js';
import type { EnvSettings } from './from-env.js';

/** Configuration with every default applied, durations in milliseconds, frozen. */
export interface ResolvedConfig {
  readonly dataDir: string;
  readonly api: { host: string; port: number; publicUrl: string | undefined; bodyLimit: number };
  readonly store: StoreConfig;
  readonly bus: BusConfig;
  readonly roles: readonly string[];
  readonly packPaths: readonly string[];
  /** Python for packs' actions, sensors and environments (`packs.python`, `packs.pip_args`). */
  readonly python: { interpreter: string; pipArgs: readonly string[] };
  /** `packs.index_url`, as a list. */
  readonly packIndexUrls: readonly string[];
  readonly executions: {
    defaultTimeoutS: number;
    maxTimeoutS: number;
    concurrency: number;
    heartbeatMs: number;
    abandonAfterMs: number;
    requeueAfterMs: number;
    sweepMs: number;
  };
  /** Graceful stop: how long running executions may take to finish after SIGTERM. */
  readonly shutdown: { graceMs: number };
  /** `core.ask`'s inquiries: may the asker answer, how often the ttl is checked. */
  readonly inquiries: { requesterMayRespond: boolean; sweepMs: number };
  readonly auth: { tokenTtlS: number; actionRules: ActionRules; grants: PermissionGrants };
  readonly logLevel: LogLevel;
  readonly metrics: { public: boolean };
  /** Retention per `gc.<collection>` (absent: kept forever) and the gc role's interval. */
  readonly gc: { intervalMs: number; retention: GcRetention };
  readonly chat: {
    prefix: string;
    defaultRole: Role | 'none';
    users: Readonly<Record<string, Readonly<Record<string, string>>>>;
    shell: boolean;
    progressEveryS: number;
    slack: Readonly<Record<string, unknown>> | undefined;
    teams: Readonly<Record<string, unknown>> | undefined;
    discord: Readonly<Record<string, unknown>> | undefined;
  };
  /** The environment, for adapters that read their own variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface ConfigOverrides {
  host?: string;
  port?: number;
  dataDir?: string;
  roles?: string[];
}

/** Reading and resolving `squall.yaml` for one set of role names (app/config.ts binds the role table's). */
export interface ConfigReader {
  /** Validates a configuration object; `source` names it in errors. */
  parseConfig(doc: unknown, source?: string): SquallOptions;
  /** Reads and validates a squall.yaml; a missing file is an error only when a path was given explicitly. */
  loadConfigFile(path: string): SquallOptions;
  /** Applies defaults, the environment and command-line overrides. */
  resolveConfig(opts: SquallOptions, env: EnvSettings, overrides?: ConfigOverrides): ResolvedConfig;
}

/**
 * `aliases` maps other accepted names to a role's name (`workflows` for `workflow`, its name before
 * the issue that named every role); a configuration may use either, the resolved config has the name.
 */
export function configReader(roles: RoleNames, aliases: Readonly<Record<string, string>> = {}): ConfigReader {
  const schema = configSchemaFor([...roles, ...Object.keys(aliases)] as unknown as RoleNames);
  const parseConfig = (doc: unknown, source = 'config'): SquallOptions => parseWith(schema, doc, source);
  return {
    parseConfig,
    loadConfigFile: (path) => parseConfig(readConfigFile(path), path),
    resolveConfig: (opts, env, overrides = {}) => resolveWith(roles, aliases, opts, env, overrides),
  };
}

function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SquallError('SQ_CONFIG_INVALID', `cannot read config file ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {};
  } catch (e) {
    // The first line only: the yaml library adds a code frame, which would print a token from the file.
    const reason = ((e as Error).message.split('\n', 1)[0] ?? '').replace(/:$/, '');
    throw new SquallError('SQ_CONFIG_INVALID', `${path}: invalid YAML: ${reason}`);
  }
  return doc;
}

function parseWith(schema: ReturnType<typeof configSchemaFor>, doc: unknown, source: string): SquallOptions {
  const parsed = schema.safeParse(doc, { error: unknownKeysInQuotes });
  if (!parsed.success) {
    const lines = issueTexts(parsed.error.issues).map((p) => `${source}: ${p.field ?? '(top level)'}: ${p.problem}`);
    throw new SquallError('SQ_CONFIG_INVALID', lines.join('\n'));
  }
  return parsed.data;
}

/** `~` and `~/...` in paths from squall.yaml, as the documented `data_dir: ~/.squall` is written. */
function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

function resolveWith(
  known: RoleNames,
  aliases: Readonly<Record<string, string>>,
  opts: SquallOptions,
  env: EnvSettings,
  overrides: ConfigOverrides,
): ResolvedConfig {
  const dataDir = resolve(overrides.dataDir ?? (opts.data_dir ? expandHome(opts.data_dir) : env.home));
  const host = overrides.host ?? opts.api?.host ?? '127.0.0.1';
  const port = overrides.port ?? opts.api?.port ?? 9101;
  let store: StoreConfig;
  if (opts.store?.kind === 'mongo') store = { kind: 'mongo', url: opts.store.url };
  else if (!opts.store && env.mongoUrl) store = { kind: 'mongo', url: env.mongoUrl };
  else {
    const p = opts.store?.kind === 'sqlite' && opts.store.path ? opts.store.path : 'squall.db';
    store = { kind: 'sqlite', path: p === ':memory:' || isAbsolute(p) ? p : join(dataDir, p) };
  }
  let bus: BusConfig;
  if (opts.bus?.kind === 'amqp')
    bus = { kind: 'amqp', url: opts.bus.url, ...(opts.bus.prefix ? { prefix: opts.bus.prefix } : {}) };
  else if (!opts.bus && env.amqpUrl) bus = { kind: 'amqp', url: env.amqpUrl };
  else bus = { kind: 'memory' };

  const named = overrides.roles?.length ? overrides.roles : (opts.roles ?? [...known]);
  const roles = [...new Set(named.map((r) => aliases[r] ?? r))];
  for (const r of roles) {
    if (!known.includes(r)) {
      throw new SquallError('SQ_CONFIG_INVALID', `unknown role "${r}" (roles: ${known.join(', ')})`);
    }
  }
  if (bus.kind === 'memory' && roles.length < known.length) {
    throw new SquallError(
      'SQ_CONFIG_INVALID',
      'running a subset of roles needs a shared bus: set bus: {kind: amqp, url: ...} (the in-process bus cannot reach other processes)',
    );
  }
  const ex = opts.executions ?? {};
  const level = (env.logLevel ?? opts.log?.level ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(level)) {
    throw new SquallError('SQ_CONFIG_INVALID', `SQUALL_LOG_LEVEL: must be one of debug, info, warn, error, silent`);
  }
  return Object.freeze({
    dataDir,
    api: { host, port, publicUrl: opts.api?.public_url, bodyLimit: opts.api?.body_limit ?? 1024 * 1024 },
    store,
    bus,
    roles,
    packPaths: (opts.packs?.paths ?? []).map((p) => resolve(expandHome(p))),
    // Not the first python3 on PATH: a version manager's shim there may be slow or another version.
    python: { interpreter: expandHome(opts.packs?.python ?? '/usr/bin/python3'), pipArgs: opts.packs?.pip_args ?? [] },
    packIndexUrls: indexUrlsOf(opts.packs?.index_url),
    executions: {
      defaultTimeoutS: ex.default_timeout ?? 600,
      maxTimeoutS: ex.max_timeout ?? 86400,
      concurrency: ex.concurrency ?? 64,
      heartbeatMs: (ex.heartbeat_interval ?? 2) * 1000,
      abandonAfterMs: (ex.abandon_after ?? 30) * 1000,
      requeueAfterMs: (ex.requeue_after ?? 10) * 1000,
      sweepMs: (ex.sweep_interval ?? 5) * 1000,
    },
    shutdown: { graceMs: (opts.shutdown?.grace ?? 10) * 1000 },
    inquiries: {
      requesterMayRespond: opts.inquiries?.requester_may_respond ?? true,
      sweepMs: (opts.inquiries?.sweep_interval ?? 5) * 1000,
    },
    auth: { tokenTtlS: opts.auth?.token_ttl ?? 86400, actionRules: actionRulesOf(opts), grants: grantsOf(opts) },
    logLevel: level,
    metrics: { public: opts.metrics?.public ?? false },
    gc: gcOf(opts),
    chat: {
      prefix: opts.chat?.prefix ?? '!',
      defaultRole: opts.chat?.default_role ?? 'none',
      users: opts.chat?.users ?? {},
      shell: opts.chat?.shell ?? true,
      progressEveryS: opts.chat?.progress_every ?? 5,
      slack: opts.chat?.slack,
      teams: opts.chat?.teams,
      discord: opts.chat?.discord,
    },
    env: env.raw,
  });
}

/** `gc:` with defaults; the schema has checked every duration. */
function gcOf(opts: SquallOptions): ResolvedConfig['gc'] {
  const given = (opts.gc ?? {}) as Record<string, number | string | null | undefined>;
  const retention: Record<string, { ms: number; text: string }> = {};
  for (const c of GC_COLLECTIONS) {
    const v = given[c.key];
    if (v === null || v === 'never') continue;
    if (v === undefined) {
      if (c.defaultMs !== undefined) retention[c.key] = { ms: c.defaultMs, text: `${c.defaultMs / 86_400_000}d` };
      continue;
    }
    retention[c.key] = { ms: parseDuration(v) ?? 0, text: typeof v === 'number' ? `${v}s` : v };
  }
  const interval = given.interval;
  return {
    intervalMs: interval === undefined || interval === null ? 600_000 : (parseDuration(interval) ?? 600_000),
    retention,
  };
}

/** `auth.roles.<role>.grant`: permissions a role holds besides its own. */
function grantsOf(opts: SquallOptions): PermissionGrants {
  const out: Partial<Record<Role, readonly Permission[]>> = {};
  for (const [role, r] of Object.entries(opts.auth?.roles ?? {}) as [Role, { grant?: Permission[] } | undefined][]) {
    if (r?.grant?.length) out[role] = r.grant;
  }
  return out;
}

/** `auth.roles.<role>.actions` as the action policy takes them. */
function actionRulesOf(opts: SquallOptions): ActionRules {
  const out: Partial<Record<Role, { allow?: string[]; deny?: string[] }>> = {};
  for (const [role, r] of Object.entries(opts.auth?.roles ?? {}) as [
    Role,
    { actions?: { allow?: string[]; deny?: string[] } } | undefined,
  ][]) {
    if (r?.actions) out[role] = r.actions;
  }
  return out;
}

/** `packs.index_url` as a list (StackStorm also takes a comma-separated string); local paths resolved. */
function indexUrlsOf(v: string | string[] | undefined): string[] {
  if (v === undefined) return ['https://index.stackstorm.org/v1/index.json'];
  const list = Array.isArray(v) ? v : v.split(',');
  return list
    .map((u) => u.trim())
    .filter((u) => u !== '')
    .map((u) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(u) ? u : resolve(expandHome(u))));
}
