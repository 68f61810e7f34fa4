import { hostname } from 'node:os';
import type { Logger } from '../engine/logger.js';
import { PROCESS_HEARTBEAT_MS, type ProcessInfo, type ProcessRepo } from '../engine/store/process-repo.js';
import { instanceId } from '../lib/instance-id.js';
import { packageVersion } from '../lib/package-version.js';

/** Rows of processes gone this long are deleted by whichever process beats next. */
const PRUNE_AFTER_MS = 3_600_000;

export interface ProcessHeartbeat {
  readonly id: string;
  /** Marks the process `stopping` (a graceful stop began) at once. */
  stopping(): Promise<void>;
  /** Stops beating and deletes the row. */
  stop(): Promise<void>;
}

/**
 * Writes this process's row in `store.processes` now and every few seconds, so that `squall status`
 * lists it with its roles, version, the single-active roles it runs and its last heartbeat. A failed
 * write is logged and retried at the next beat: the store being away must not stop the process.
 */
export async function startProcessHeartbeat(deps: {
  processes: ProcessRepo;
  logger: Logger;
  roles: readonly string[];
  /** The single-active roles this process runs right now. */
  active: () => string[];
  intervalMs?: number;
}): Promise<ProcessHeartbeat> {
  const log = deps.logger.child({ component: 'heartbeat' });
  const id = instanceId();
  const started = new Date().toISOString();
  let state: ProcessInfo['state'] = 'running';
  const beat = async (): Promise<void> => {
    const now = Date.now();
    try {
      await deps.processes.beat({
        id,
        hostname: hostname(),
        pid: process.pid,
        roles: [...deps.roles],
        active: deps.active(),
        version: packageVersion(),
        state,
        started_at: started,
        heartbeat_at: new Date(now).toISOString(),
      });
      await deps.processes.prune(new Date(now - PRUNE_AFTER_MS).toISOString());
    } catch (e) {
      log.warn('cannot record the process heartbeat', { error: (e as Error).message });
    }
  };
  await beat();
  const timer = setInterval(() => void beat(), deps.intervalMs ?? PROCESS_HEARTBEAT_MS);
  timer.unref();
  return {
    id,
    async stopping() {
      state = 'stopping';
      await beat();
    },
    async stop() {
      clearInterval(timer);
      await deps.processes.remove(id).catch(() => false);
    },
  };
}
