import { AliasCatalog } from '../../engine/aliases/alias-catalog.js';
import { type ChatParts, createChatParts } from '../chat-parts.js';
import type { EngineCore } from '../engine-core.js';
import type { HttpServer } from '../http/http-server.js';
import { type ProcessHeartbeat, startProcessHeartbeat } from '../process-heartbeat.js';
import { botRole } from './bot-role.js';
import { type LeaseHandle, type LeaseTiming, runWithLease } from './lease-runner.js';
import { consumerGroup, type Role, type RoleContext, type RoleHandle, type ServerHooks } from './role.js';
import { ROLES } from './role-table.js';

/** The roles a process runs, started. */
export interface StartedRoles {
  /** The chat side, when a role used it. */
  readonly chat: ChatParts | undefined;
  readonly notes: RoleContext['notes'];
  /** This process's row in `store.processes` (`squall status`). */
  readonly processId: string;
  /**
   * Stops the roles in reverse start order, then what they shared. Graceful: roles take no more
   * work and the runner lets running executions finish for up to `shutdown.grace`.
   */
  stop(): Promise<void>;
  /** Cuts a graceful stop short (a second SIGTERM): running executions are handed back now. */
  hurry(): void;
}

/**
 * Starts the named roles in the role table's order, then the steps they deferred until all of them
 * had started (`afterStart`). A failure stops whatever had started and rethrows.
 */
export async function startRoles(
  core: EngineCore,
  names: readonly string[],
  opts: {
    http: HttpServer;
    hooks?: ServerHooks;
    /** Lease timing for singleton roles (tests shorten it). */
    leaseTiming?: LeaseTiming;
    /** The role table. @default ROLES */
    table?: readonly Role[];
  },
): Promise<StartedRoles> {
  const roles = (opts.table ?? ROLES).filter((r) => names.includes(r.name));
  const handles: RoleHandle[] = [];
  const deferred: (() => Promise<void>)[] = [];
  const leased: [string, LeaseHandle][] = [];
  const now = new AbortController();
  let heartbeat: ProcessHeartbeat | undefined;
  let catalog: Promise<AliasCatalog> | undefined;
  let chat: Promise<ChatParts> | undefined;
  let chatParts: ChatParts | undefined;
  const hooks = opts.hooks ?? {};
  const ctx: RoleContext = {
    core,
    http: opts.http,
    hooks,
    notes: {},
    apiUrl: () => core.config.api.publicUrl ?? opts.http.url,
    catalog() {
      catalog ??= (async () => {
        const c = new AliasCatalog({ store: core.store, logger: core.logger, bus: core.bus });
        await c.start();
        return c;
      })();
      return catalog;
    },
    chat() {
      chat ??= ctx.catalog().then((c) => {
        chatParts = createChatParts(core, c, {
          resultGroup: consumerGroup(botRole),
          ...(hooks.localShellChannel ? { localShellChannel: hooks.localShellChannel } : {}),
        });
        return chatParts;
      });
      return chat;
    },
    afterStart(step) {
      deferred.push(step);
    },
    stopNow: now.signal,
  };
  const stop = async () => {
    await heartbeat?.stopping();
    for (const h of handles.splice(0).reverse()) await h.stop();
    (await catalog)?.stop();
    await heartbeat?.stop();
  };
  try {
    for (const role of roles) {
      if (role.singleton === 'lease') {
        const held = runWithLease(role, ctx, { leases: core.store.leases, logger: core.logger }, opts.leaseTiming);
        handles.push(held);
        leased.push([role.name, held]);
        ctx.afterStart(() => held.begin());
      } else handles.push(await role.start(ctx));
    }
    // A step may defer a further step: it runs after every step registered before it (recovery's
    // requeue waits for the runner that the runner role's step subscribes).
    for (let step = deferred.shift(); step; step = deferred.shift()) await step();
    heartbeat = await startProcessHeartbeat({
      processes: core.store.processes,
      logger: core.logger,
      roles: roles.map((r) => r.name),
      active: () => leased.filter(([, h]) => h.active).map(([name]) => name),
    });
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
  return {
    get chat() {
      return chatParts;
    },
    notes: ctx.notes,
    get processId() {
      return heartbeat?.id ?? '';
    },
    stop,
    hurry: () => now.abort(),
  };
}
