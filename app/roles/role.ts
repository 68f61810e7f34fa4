import type { ChatAdapter } from '../../bot/chat-adapter.js';
import type { AliasCatalog } from '../../engine/aliases/alias-catalog.js';
import type { Topic } from '../../engine/bus/bus.js';
import type { ChatParts } from '../chat-parts.js';
import type { EngineCore } from '../engine-core.js';
import type { HttpServer } from '../http/http-server.js';

/** What a started role gives back: the way to stop it. */
export interface RoleHandle {
  stop(): Promise<void>;
}

/**
 * One row of the role table: a part of Squall that a process may run (`squall start --role <name>`).
 * The config schema's role enum, `squall start --help` and the bus's consumer groups all read the
 * table, so adding a role is one new file and one new row.
 */
export interface Role {
  /** What `--role` and `roles:` in squall.yaml call it. */
  readonly name: string;
  /** One line for `squall start --help`. */
  readonly summary: string;
  /**
   * `'lease'`: exactly one process in the deployment runs it at a time. The process that holds the
   * role's lease in the store runs it; the others wait and take over when the lease lapses.
   */
  readonly singleton?: 'lease';
  /** Work queues the role consumes; the consumer group is `group`, or the role's name. */
  readonly queues?: readonly Topic[];
  /** The consumer group on the bus, when it differs from the name (kept for brokers already deployed). */
  readonly group?: string;
  start(ctx: RoleContext): Promise<RoleHandle>;
}

/** The bus consumer group a role's work queues use. */
export function consumerGroup(role: Pick<Role, 'name' | 'group'>): string {
  return role.group ?? role.name;
}

/** What the caller of the composition may add (the terminal shell of `squall start`, tests). */
export interface ServerHooks {
  /** Chat adapters the bot role runs besides the configured platforms (the terminal shell). */
  adapters?: (parts: ChatParts, core: EngineCore) => ChatAdapter[] | Promise<ChatAdapter[]>;
  /** Channel of the in-process terminal shell, so remote shells' results are not sent to it. */
  localShellChannel?: string;
}

/** What a role is started with: the engine core and the parts roles of one process share. */
export interface RoleContext {
  readonly core: EngineCore;
  /** The process's one HTTP server: roles and platforms mount handlers on it before it listens. */
  readonly http: HttpServer;
  /** Hooks of the caller (the terminal shell, tests). */
  readonly hooks: ServerHooks;
  /** What roles found out at start that `squall start` tells the user. */
  readonly notes: { credentialsPath?: string };
  /** The API's base URL for actions, once the server listens (roles may start before it does). */
  apiUrl(): string | undefined;
  /** The alias catalog, loaded on first use and shared by the roles that need it. */
  catalog(): Promise<AliasCatalog>;
  /** The chat side (router, adapters, result delivery), built on first use and shared. */
  chat(): Promise<ChatParts>;
  /**
   * Runs `step` after every role of the process has started, in the order registered. For work
   * that must see every consumer attached first (on the in-process bus a message published to a
   * queue nobody consumes yet is dropped), such as start-up recovery and claiming work.
   */
  afterStart(step: () => Promise<void>): void;
  /**
   * Aborts when a graceful stop must end at once (a second SIGTERM): roles that wait for work in
   * flight when stopping (the runner, up to `shutdown.grace`) stop waiting and hand it back.
   */
  readonly stopNow: AbortSignal;
}
