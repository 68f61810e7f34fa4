import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../engine/logger.js';
import type { LeaseRepo } from '../../engine/store/lease-repo.js';
import { backoffDelay } from '../../lib/backoff.js';
import type { Role, RoleContext, RoleHandle } from './role.js';

export interface LeaseTiming {
  /** How long a lease lasts without renewal; another process takes over this long after a crash. @default 15000 */
  ttlMs?: number;
  /** How often the holder renews. @default ttlMs / 3 */
  renewMs?: number;
  /** First wait before trying again to take a lease someone else holds; doubles up to `retryMaxMs`. @default 1000 */
  retryMs?: number;
  /** @default ttlMs */
  retryMaxMs?: number;
}

/** A singleton role's runner: started after the other roles, stopped with them. */
export interface LeaseHandle extends RoleHandle {
  /** Makes the first attempt to take the lease (and starts the role if it got it), then keeps trying in the background. */
  begin(): Promise<void>;
  /** True while this process holds the lease and runs the role. */
  readonly active: boolean;
}

/**
 * Runs a `singleton: 'lease'` role only while this process holds the role's lease in the store:
 * takes the lease (retrying with back-off while another process has it), renews it, and stops the
 * role as soon as a renewal fails or the lease would have lapsed, so that two processes never run
 * the role at once for longer than a renewal period.
 */
export function runWithLease(
  role: Role,
  ctx: RoleContext,
  deps: { leases: LeaseRepo; logger: Logger },
  timing: LeaseTiming = {},
): LeaseHandle {
  const ttlMs = timing.ttlMs ?? 15_000;
  const renewMs = timing.renewMs ?? Math.floor(ttlMs / 3);
  const retryMs = timing.retryMs ?? 1_000;
  const retryMaxMs = timing.retryMaxMs ?? ttlMs;
  const name = `role:${role.name}`;
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const log = deps.logger.child({ component: 'lease', role: role.name });
  const stopping = new AbortController();
  let running: RoleHandle | undefined;
  let loop: Promise<void> | undefined;

  // The role starts once the others have: its deferred steps can run right after its own start.
  const roleCtx: RoleContext = { ...ctx, afterStart: (step) => void pending.push(step) };
  const pending: (() => Promise<void>)[] = [];

  const wait = (ms: number) => sleep(ms, undefined, { signal: stopping.signal }).catch(() => {});
  const backoff = (attempt: number) =>
    backoffDelay(attempt + 1, { baseMs: retryMs, maxMs: retryMaxMs, jitter: 'equal' });

  /** One attempt: true when this process now holds the lease and runs the role. */
  async function takeAndStart(): Promise<boolean> {
    let got = false;
    try {
      got = await deps.leases.acquire(name, holder, ttlMs);
    } catch (e) {
      log.warn('cannot reach the store to take the lease', { error: (e as Error).message });
    }
    if (!got || stopping.signal.aborted) return false;
    try {
      running = await role.start(roleCtx);
      for (const step of pending.splice(0)) await step();
      log.info('lease taken; role started', { holder });
      return true;
    } catch (e) {
      log.error('role failed to start; giving up its lease', { error: (e as Error).message });
      await stopRole();
      return false;
    }
  }

  async function stopRole(): Promise<void> {
    const r = running;
    running = undefined;
    pending.length = 0;
    await r?.stop().catch((e: Error) => log.error('role failed to stop', { error: e.message }));
    await deps.leases.release(name, holder).catch(() => false);
  }

  /** Renews until the lease is lost or the runner stops. */
  async function hold(): Promise<void> {
    let renewedAt = Date.now();
    while (!stopping.signal.aborted) {
      await wait(renewMs);
      if (stopping.signal.aborted) return;
      let kept: boolean | undefined;
      try {
        kept = await deps.leases.renew(name, holder, ttlMs);
      } catch (e) {
        log.warn('cannot reach the store to renew the lease', { error: (e as Error).message });
      }
      if (kept) renewedAt = Date.now();
      // Unreachable store: keep running only while the lease certainly has not lapsed by the next try.
      else if (kept === false || Date.now() + renewMs >= renewedAt + ttlMs) {
        log.warn('lease lost; role stopped', { holder });
        await stopRole();
        return;
      }
    }
  }

  async function run(first: boolean): Promise<void> {
    let attempt = 0;
    while (!stopping.signal.aborted) {
      if (first || (await takeAndStart())) {
        first = false;
        attempt = 0;
        await hold();
        continue;
      }
      await wait(backoff(attempt++));
    }
  }

  return {
    get active() {
      return running !== undefined;
    },
    async begin() {
      const got = await takeAndStart();
      loop = run(got);
    },
    async stop() {
      stopping.abort();
      await loop;
      await stopRole();
    },
  };
}
