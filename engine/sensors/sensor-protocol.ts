import type { JsonObject, JsonValue } from '../model/json.js';
import type { Trigger } from '../triggers/trigger-catalog.js';

/**
 * The sensor protocol: one JSON object per line, parent → child on the child's stdin, child →
 * parent on its stdout (a sensor's own printing goes to stderr). Nothing in it is specific to
 * JavaScript, so a Python child can speak it (docs/sensors.md).
 */

/** What the child needs to run one sensor. */
export interface SensorStartSpec {
  ref: string;
  pack: string;
  class_name: string;
  /** Absolute path of the sensor's code. */
  entry_point: string;
  /** Seconds between polls; absent for a sensor with `run()`. */
  poll_interval?: number;
  trigger_types: string[];
}

/**
 * A trigger of one of the sensor's types, as StackStorm hands them to `add_trigger`: one per type
 * without parameters, plus one per distinct `parameters` that enabled rules give the type.
 */
export type SensorTrigger = Trigger;

export type ParentMessage =
  | { type: 'start'; sensor: SensorStartSpec; config: JsonObject; triggers?: SensorTrigger[] }
  /** The sensor's triggers changed (rules added, changed or removed): the child diffs them. */
  | { type: 'triggers'; triggers: SensorTrigger[] }
  | { type: 'reply'; id: number; ok: true; result: JsonValue }
  | { type: 'reply'; id: number; ok: false; error: string }
  | { type: 'ping' }
  | { type: 'stop' };

/** The calls a sensor makes through its sensor service. */
export const SENSOR_METHODS = ['dispatch', 'kv.get', 'kv.set', 'kv.delete', 'kv.list'] as const;
export type SensorMethod = (typeof SENSOR_METHODS)[number];

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'call'; id: number; method: SensorMethod; params: JsonObject }
  | { type: 'log'; level: LogLevel; message: string; meta?: JsonObject }
  | { type: 'pong' }
  | { type: 'stopped' };

/** Longest line either side accepts; a longer one is dropped (and reported), never buffered. */
export const MAX_LINE = 1024 * 1024;

/**
 * Splits a byte stream into lines, dropping (and reporting) any line longer than MAX_LINE so
 * that a runaway child cannot make the parent buffer without bound.
 */
export class LineSplitter {
  #buf = '';
  #dropping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onTooLong: () => void,
  ) {}

  push(chunk: string): void {
    let text = chunk;
    for (;;) {
      const nl = text.indexOf('\n');
      if (nl === -1) {
        if (!this.#dropping) this.#buf += text;
        if (this.#buf.length > MAX_LINE) {
          this.#buf = '';
          this.#dropping = true;
          this.onTooLong();
        }
        return;
      }
      const piece = text.slice(0, nl);
      text = text.slice(nl + 1);
      if (this.#dropping) {
        this.#dropping = false;
        continue;
      }
      const line = this.#buf + piece;
      this.#buf = '';
      if (line.length > MAX_LINE) this.onTooLong();
      else if (line.trim() !== '') this.onLine(line);
    }
  }
}

/** Reads one child message; undefined for a line that is not one (logged by the caller). */
export function parseChildMessage(line: string): ChildMessage | undefined {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return undefined;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
    case 'pong':
    case 'stopped':
      return { type: o.type };
    case 'log':
      if (typeof o.message !== 'string') return undefined;
      return {
        type: 'log',
        level: (['debug', 'info', 'warn', 'error'] as const).find((l) => l === o.level) ?? 'info',
        message: o.message,
        ...(isObject(o.meta) ? { meta: o.meta } : {}),
      };
    case 'call':
      if (typeof o.id !== 'number' || !(SENSOR_METHODS as readonly unknown[]).includes(o.method)) return undefined;
      return { type: 'call', id: o.id, method: o.method as SensorMethod, params: isObject(o.params) ? o.params : {} };
    default:
      return undefined;
  }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
