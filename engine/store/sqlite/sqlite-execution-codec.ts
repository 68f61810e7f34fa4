import { idBefore } from '../../ids.js';
import type { Execution } from '../../model/execution.js';
import type { PartRefs } from './sqlite-doc-parts.js';

/** The executions table's columns that also hold fields of the document. */
export interface ExecutionColumns {
  id: string;
  status: string;
  user: string | null;
  start_timestamp: string;
  updated_at: string;
  heartbeat_at: string | null;
}

type Doc = Record<string, unknown>;

/** The columns an execution is written with; an update keeps the row's `id` and `start_timestamp`. */
export function columnsOf(e: Execution, row?: ExecutionColumns): ExecutionColumns {
  return {
    id: row?.id ?? e.id,
    status: e.status,
    user: e.context.user ?? null,
    start_timestamp: row?.start_timestamp ?? e.start_timestamp,
    updated_at: e.updated_at,
    heartbeat_at: e.heartbeat_at ?? null,
  };
}

/** Fields the columns hold, left out of the stored document when they hold exactly the same string. */
const IN_COLUMNS = ['id', 'status', 'start_timestamp', 'updated_at', 'heartbeat_at'] as const;

/** Flags of the lean form: what decoding puts back that the document does not spell. */
const END_IS_LAST = 1;
const TRACE_IS_ID_BEFORE = 2;
const CONTEXT_LEFT_EMPTY = 4;
const RUNNER_IS_ACTIONS = 8;

/**
 * The stored form of an execution document (its shared parts already taken out, sqlite-doc-parts.ts).
 *
 * A row's document used to be the whole execution as JSON, which repeated what the columns hold
 * and spelled each status-log entry as two keys and a full ISO time: most of the bytes of a row,
 * and a row that grew by a whole entry on each status change. The lean form is a JSON array
 * `[rest, log]` or `[rest, log, flags]`. `rest` is the document without what the columns hold
 * (`id`, `status`, `start_timestamp`, `updated_at`, `heartbeat_at`, `context.user`), without `log`,
 * and without `children: []` and `attempts: 0` (completeExecution's defaults). A log entry
 * `{status, timestamp}` whose time toISOString spells exactly is `[status, ms after start]`; any
 * other entry is kept as it is. Flag END_IS_LAST: `end_timestamp` is the last entry's time.
 * Flag TRACE_IS_ID_BEFORE: `context.trace_context` is `{trace_tag}` with the id minted just before
 * the execution's (what a request without a trace gets, create-execution-service.ts). Flag
 * CONTEXT_LEFT_EMPTY: nothing else is in the context, which is left out. Flag RUNNER_IS_ACTIONS:
 * `runner_type` is the action's (`actionRunner`; decoding reads it from the joined action).
 *
 * Every rule applies only where decoding gives back exactly what was encoded, so reads return what
 * was written. A document the rules cannot describe (a log that is not a list, or holds lists; no
 * `children`, `attempts` or column field) is stored whole, as before. An old row's document is a
 * JSON object, and is read as it is.
 */
export function encodeExecution(doc: Doc, cols: ExecutionColumns, actionRunner?: unknown): string {
  const { log, children, attempts } = doc;
  if (!Array.isArray(log) || children === undefined || attempts === undefined || !hasColumnFields(doc)) {
    return JSON.stringify(doc);
  }
  const startMs = Date.parse(cols.start_timestamp);
  const entries: unknown[] = new Array(log.length);
  for (let i = 0; i < log.length; i++) {
    const entry: unknown = log[i];
    if (Array.isArray(entry)) return JSON.stringify(doc);
    entries[i] = compactEntry(entry, startMs) ?? entry;
  }
  const last: unknown = log[log.length - 1];
  let flags =
    typeof doc.end_timestamp === 'string' && isObject(last) && last.timestamp === doc.end_timestamp ? END_IS_LAST : 0;
  // Built key by key rather than copied and deleted from: V8 serialises such an object faster.
  const rest: Doc = {};
  for (const k in doc) {
    const v = doc[k];
    switch (k) {
      case '__proto__':
        // Not a field an execution has; assigning it would not copy it.
        return JSON.stringify(doc);
      case 'log':
        continue;
      case 'id':
      case 'status':
      case 'start_timestamp':
      case 'updated_at':
      case 'heartbeat_at':
        if (v === cols[k] && typeof v === 'string') continue;
        break;
      case 'context':
        if (isObject(v)) {
          const lean = leanContext(v, cols);
          if (lean.traced) flags |= TRACE_IS_ID_BEFORE;
          if (isEmpty(lean.context)) flags |= CONTEXT_LEFT_EMPTY;
          else rest.context = lean.context;
          continue;
        }
        break;
      case 'children':
        if (Array.isArray(v) && v.length === 0) continue;
        break;
      case 'attempts':
        if (v === 0) continue;
        break;
      case 'end_timestamp':
        if (flags & END_IS_LAST) continue;
        break;
      case 'runner_type':
        if (v === actionRunner && typeof v === 'string') {
          flags |= RUNNER_IS_ACTIONS;
          continue;
        }
        break;
    }
    rest[k] = v;
  }
  return JSON.stringify(flags === 0 ? [rest, entries] : [rest, entries, flags]);
}

/**
 * The document a row holds, whichever form it is in, with the columns' fields laid over it and
 * `join` putting back its shared parts (sqlite-doc-parts.ts), which the lean form reads from.
 */
export function decodeExecution(json: string, cols: ExecutionColumns, join: (doc: Doc) => Doc): Execution {
  const stored = JSON.parse(json) as Doc | [Doc, unknown[], number?];
  const e = Array.isArray(stored) ? expand([join(stored[0]), stored[1], stored[2]], cols) : join(stored);
  // Heartbeats write only the column (SqliteExecutionRepo.heartbeat), so it wins over the document.
  if (cols.heartbeat_at !== null) e.heartbeat_at = cols.heartbeat_at;
  return e as unknown as Execution;
}

function expand([rest, entries, flags = 0]: [Doc, unknown[], number?], cols: ExecutionColumns): Doc {
  for (const k of IN_COLUMNS) if (rest[k] === undefined && cols[k] !== null) rest[k] = cols[k];
  if (flags & CONTEXT_LEFT_EMPTY) rest.context = {};
  const context = rest.context;
  if (isObject(context)) {
    const user = typeof cols.user === 'string' && context.user === undefined;
    if (user || flags & TRACE_IS_ID_BEFORE) {
      rest.context = {
        ...(user ? { user: cols.user } : {}),
        ...context,
        ...(flags & TRACE_IS_ID_BEFORE ? { trace_context: { trace_tag: idBefore(cols.id) } } : {}),
      };
    }
  }
  if (flags & RUNNER_IS_ACTIONS) rest.runner_type = (rest.action as Doc).runner_type;
  rest.children ??= [];
  rest.attempts ??= 0;
  // The column, as when encoding: a document's own start_timestamp (kept when it differs) is not the base.
  const startMs = Date.parse(cols.start_timestamp);
  const log: unknown[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    log[i] = Array.isArray(entry) ? { status: entry[0], timestamp: isoTime(startMs + (entry[1] as number)) } : entry;
  }
  rest.log = log;
  if (flags & END_IS_LAST) rest.end_timestamp = (log[log.length - 1] as { timestamp: string }).timestamp;
  return rest;
}

function hasColumnFields(doc: Doc): boolean {
  // Decoding puts these back from the columns, so a document without one must be stored whole.
  return (
    doc.id !== undefined &&
    doc.status !== undefined &&
    doc.start_timestamp !== undefined &&
    doc.updated_at !== undefined
  );
}

/** The context without the user the `user` column holds, and without a trace decoding can derive. */
function leanContext(context: Doc, cols: ExecutionColumns): { context: Doc; traced: boolean } {
  const user = typeof cols.user === 'string' && context.user === cols.user;
  const trace = context.trace_context;
  const traced = isObject(trace) && Object.keys(trace).length === 1 && trace.trace_tag === idBefore(cols.id);
  // Copied by rest patterns, which keep any key as data (`__proto__` included), not by assignment.
  let out = context;
  if (user) {
    const { user: _user, ...others } = out;
    out = others;
  }
  if (traced) {
    const { trace_context: _trace, ...others } = out;
    out = others;
  }
  return { context: out, traced };
}

/** `[status, ms after start]` for an entry that is exactly `{status, timestamp}` with a canonical time; else undefined. */
function compactEntry(entry: unknown, startMs: number): [string, number] | undefined {
  if (!isObject(entry)) return undefined;
  const { status, timestamp } = entry;
  if (typeof status !== 'string' || typeof timestamp !== 'string' || Object.keys(entry).length !== 2) return undefined;
  const ms = Date.parse(timestamp);
  // Both finite and whole, so `startMs + offset` is `ms` again; the spelling check makes the time exact.
  if (!Number.isFinite(ms) || !Number.isFinite(startMs) || isoTime(ms) !== timestamp) return undefined;
  return [status, ms - startMs];
}

/** Last millisecond of year 9999: the times isoTime spells itself, toISOString's four-digit years. */
const LAST_FOUR_DIGIT_YEAR_MS = 253402300799999;

/**
 * `new Date(ms).toISOString()`, in a tenth of its time for years 1970 to 9999 (every time a
 * status log holds, four spelled per execution on each read and write); toISOString for others.
 */
export function isoTime(ms: number): string {
  if (!(ms >= 0 && ms <= LAST_FOUR_DIGIT_YEAR_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / 86_400_000);
  let t = ms - days * 86_400_000;
  const hour = Math.floor(t / 3_600_000);
  t -= hour * 3_600_000;
  const minute = Math.floor(t / 60_000);
  t -= minute * 60_000;
  const second = Math.floor(t / 1000);
  // Civil date of a day number (H. Hinnant, "chrono-compatible low-level date algorithms").
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}.${three(t - second * 1000)}Z`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function three(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`;
}

function isEmpty(o: Doc): boolean {
  for (const _ in o) return false;
  return true;
}

function isObject(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The parts column: just the hash when the only part is the action (every execution's case),
 * else the refs as JSON. Rows of earlier versions hold JSON: `partsJson` reads both.
 */
export function encodeParts(refs: PartRefs | undefined): string | null {
  if (refs === undefined) return null;
  const keys = Object.keys(refs);
  return keys.length === 1 && keys[0] === 'action' && !refs.action!.startsWith('{')
    ? refs.action!
    : JSON.stringify(refs);
}

/** The refs JSON of a parts column (sqlite-doc-parts.ts `join` reads it). */
export function partsJson(column: string | null): string | null {
  if (column === null || column.startsWith('{')) return column;
  return `{"action":${JSON.stringify(column)}}`;
}
