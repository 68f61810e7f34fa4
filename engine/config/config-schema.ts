import { z } from 'zod';
import { parseDuration } from '../../lib/duration-text.js';
import { PERMISSIONS, type Permission } from '../auth/permissions.js';

/**
 * `squall.yaml`, validated once at start-up. Every object is strict: an unknown key is an error that
 * names the key, because a typo in an ops tool's config should fail loudly, not be ignored.
 * Durations are seconds. docs/configuration.md documents each key.
 */
const storeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sqlite'), path: z.string().min(1).optional() }).strict(),
  z.object({ kind: z.literal('mongo'), url: z.string().min(1) }).strict(),
]);

const busSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('memory') }).strict(),
  z.object({ kind: z.literal('amqp'), url: z.string().min(1), prefix: z.string().min(1).optional() }).strict(),
]);

const roleName = z.enum(['admin', 'operator', 'viewer']);

const DURATION_HINT = 'must be a duration such as 30d, 12h, 90m, 45s or a number of seconds';

/** A duration: seconds as a number, or text with units (lib/duration-text.ts parseDuration). */
const duration = z
  .union([z.number(), z.string()])
  .refine((v) => parseDuration(v) !== undefined, { error: DURATION_HINT });

/** How long the garbage collector keeps one kind of record; `never` (or null) keeps it forever. */
const retention = z.union([z.literal('never'), z.null(), duration]).refine((v) => v !== 0 && v !== '0', {
  error: 'must be longer than 0 (use never to keep everything)',
});

const gcSchema = z
  .object({
    /** How often the gc role runs. @default 10m */
    interval: duration.refine((v) => (parseDuration(v) ?? 0) >= 1000, { error: 'must be at least 1s' }).optional(),
    // One key per row of engine/gc/gc-collections.ts (written out so that the type names them).
    executions: retention.optional(),
    action_output: retention.optional(),
    trigger_instances: retention.optional(),
    rule_enforcements: retention.optional(),
    inquiries: retention.optional(),
    events: retention.optional(),
  })
  .strict();

/** A glob over action refs: letters, digits, `_`, `-`, `.`, and the wildcards `*` and `?`. */
const actionGlob = z
  .string()
  .regex(/^[\w.*?-]+$/, 'must be an action ref or a glob such as core.* (letters, digits, _ - . * ?)');

const roleRulesSchema = z
  .object({
    /** Which actions the role may run (`execution:run` covers every action unless narrowed here). */
    actions: z
      .object({
        /** Only actions matching one of these globs. @default every action */
        allow: z.array(actionGlob).optional(),
        /** Never actions matching one of these globs; deny wins over allow. */
        deny: z.array(actionGlob).optional(),
      })
      .strict()
      .optional(),
    /**
     * Permissions the role holds besides its own (engine/auth/permissions.ts), e.g. `[rule:write]`
     * to let operators manage rules.
     */
    grant: z.array(z.enum(Object.keys(PERMISSIONS) as [Permission, ...Permission[]])).optional(),
  })
  .strict();

/** The process roles a configuration may name; app/'s role table supplies them (engine/ may not import app/). */
export type RoleNames = readonly [string, ...string[]];

/** The `squall.yaml` schema for the given role names. */
export function configSchemaFor(roleNames: RoleNames) {
  return z
    .object({
      /** Folder for the SQLite store, credentials and CLI state. @default $SQUALL_HOME or ~/.squall */
      data_dir: z.string().min(1).optional(),
      api: z
        .object({
          /** @default '127.0.0.1' */
          host: z.string().min(1).optional(),
          /** @default 9101 */
          port: z.number().int().min(0).max(65535).optional(),
          /** Base URL used in links posted to chat. @default http://<host>:<port> */
          public_url: z.string().url().optional(),
          /** Largest accepted request body in bytes. @default 1048576 */
          body_limit: z.number().int().positive().optional(),
        })
        .strict()
        .optional(),
      /** @default { kind: sqlite, path: <data_dir>/squall.db } */
      store: storeSchema.optional(),
      /** @default { kind: memory } */
      bus: busSchema.optional(),
      /** Roles this process runs. @default all of them */
      roles: z.array(z.enum(roleNames)).min(1).optional(),
      packs: z
        .object({
          /** Extra folders of packs (or single pack folders) registered at start, after the built-in ones. */
          paths: z.array(z.string().min(1)).optional(),
          /**
           * The Python that runs python-script actions and Python sensors of packs without a virtual
           * environment, and that creates packs' environments (`<python> -m venv`). @default /usr/bin/python3
           */
          python: z.string().min(1).optional(),
          /**
           * Extra arguments for `pip install` into a pack's environment, e.g. `[--no-index, --find-links, /srv/wheels]`
           * (pip also reads its own PIP_* variables). @default []
           */
          pip_args: z.array(z.string()).optional(),
          /**
           * Pack indexes (StackStorm Exchange's index.json format) that `squall pack install NAME` looks
           * names up in: URLs, file:// URLs or local paths; earlier ones win.
           * @default https://index.stackstorm.org/v1/index.json
           */
          index_url: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
        })
        .strict()
        .optional(),
      executions: z
        .object({
          /** Timeout for actions that declare none. @default 600 */
          default_timeout: z.number().positive().optional(),
          /** Upper bound for any action's timeout. @default 86400 */
          max_timeout: z.number().positive().optional(),
          /** Executions one runner process runs at once. @default 64 */
          concurrency: z.number().int().positive().optional(),
          /** How often a runner proves it is alive. @default 2 */
          heartbeat_interval: z.number().positive().optional(),
          /** A running execution silent this long is marked abandoned. @default 30 */
          abandon_after: z.number().positive().optional(),
          /** A requested/scheduled execution untouched this long is published again. @default 10 */
          requeue_after: z.number().positive().optional(),
          /** How often the sweeper looks. @default 5 */
          sweep_interval: z.number().positive().optional(),
        })
        .strict()
        .optional(),
      shutdown: z
        .object({
          /**
           * On SIGTERM, how long running executions may take to finish before they are stopped and
           * handed back to the queue for another runner. A second SIGTERM cuts it short. @default 10
           */
          grace: z.number().min(0).max(86400).optional(),
        })
        .strict()
        .optional(),
      inquiries: z
        .object({
          /** Whether the user a `core.ask` runs as may answer it themselves. @default true */
          requester_may_respond: z.boolean().optional(),
          /** How often unanswered inquiries are checked for their ttl, in seconds. @default 5 */
          sweep_interval: z.number().positive().optional(),
        })
        .strict()
        .optional(),
      auth: z
        .object({
          /** Token lifetime. @default 86400 */
          token_ttl: z.number().int().positive().optional(),
          /** Per-role rules, e.g. `operator: { actions: { deny: ['core.local*'] } }`. */
          roles: z
            .object({
              admin: roleRulesSchema.optional(),
              operator: roleRulesSchema.optional(),
              viewer: roleRulesSchema.optional(),
            })
            .strict()
            .optional(),
        })
        .strict()
        .optional(),
      /** Garbage collection (docs/configuration.md, "Garbage collection"). */
      gc: gcSchema.optional(),
      metrics: z
        .object({
          /** Serve `GET /metrics` without credentials, for a Prometheus on a trusted network. @default false */
          public: z.boolean().optional(),
        })
        .strict()
        .optional(),
      log: z
        .object({
          /** @default info */
          level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional(),
        })
        .strict()
        .optional(),
      chat: z
        .object({
          /** Prefix that addresses the bot in channels. @default '!' */
          prefix: z.string().min(1).max(8).optional(),
          /** Role given to chat users with no mapping; `none` refuses them politely. @default none */
          default_role: z.enum(['none', ...roleName.options]).optional(),
          /** Explicit identity mapping: platform -> chat user id -> Squall user name. */
          users: z.record(z.string(), z.record(z.string(), z.string().min(1))).optional(),
          /** Open the terminal chat shell when `squall start` runs in a terminal with no platform configured. @default true */
          shell: z.boolean().optional(),
          /** Seconds between live progress edits of a running command's ack (the first after as long); 0 turns them off. @default 5 */
          progress_every: z.number().min(0).max(3600).optional(),
          /** Slack adapter settings (see docs/slack.md); validated by the adapter's own schema. */
          slack: z.record(z.string(), z.unknown()).optional(),
          /** Microsoft Teams adapter settings (see docs/teams.md); validated by the adapter's own schema. */
          teams: z.record(z.string(), z.unknown()).optional(),
          /** Discord adapter settings (see docs/discord.md); validated by the adapter's own schema. */
          discord: z.record(z.string(), z.unknown()).optional(),
        })
        .strict()
        .optional(),
    })
    .strict();
}

export type SquallOptions = z.infer<ReturnType<typeof configSchemaFor>>;
