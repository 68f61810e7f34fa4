/** How often a process writes its heartbeat row. */
export const PROCESS_HEARTBEAT_MS = 5_000;
/** A process whose last heartbeat is older than this counts as gone (three missed beats). */
export const PROCESS_LIVE_MS = 3 * PROCESS_HEARTBEAT_MS;

/** One Squall process of a deployment, as its last heartbeat recorded it. */
export interface ProcessInfo {
  /** Unique per process start: `<hostname>:<pid>:<random>`. */
  id: string;
  hostname: string;
  pid: number;
  /** The roles it was started with (`squall start --role ...`). */
  roles: string[];
  /** Its single-active roles that it runs right now (it holds their lease). */
  active: string[];
  /** Squall's version (package.json). */
  version: string;
  /** `running`, or `stopping` once a graceful stop began. */
  state: 'running' | 'stopping';
  started_at: string;
  heartbeat_at: string;
}

/**
 * The live processes of a deployment: each process writes its row every few seconds and deletes it
 * when it stops, so `squall status` can list who is there. A process killed with `kill -9` leaves
 * its row, which simply stops being live once its heartbeat is older than the reader's cut-off.
 */
export interface ProcessRepo {
  /** Writes the process's row, replacing what it wrote before. */
  beat(p: ProcessInfo): Promise<void>;
  /** The processes whose heartbeat is at or after `since` (ISO time), by id. */
  list(opts: { since: string }): Promise<ProcessInfo[]>;
  /** Deletes a process's row. False when there was none. */
  remove(id: string): Promise<boolean>;
  /** Deletes rows whose heartbeat is before `before` (processes long gone); returns how many. */
  prune(before: string): Promise<number>;
}
