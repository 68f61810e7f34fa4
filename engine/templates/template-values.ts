/**
 * Values crossing the boundary to minijinja's WASM engine. It takes JavaScript objects deeply and
 * lets templates call any function it finds, so contexts go in as plain data only; and it hands
 * mappings back as `Map` and `none` as `undefined`, so results come out as JSON-shaped values.
 */

/** A copy of `value` holding only JSON-like data: no functions, no class instances, no cycles. */
export function toPlainData(value: Record<string, unknown>): Record<string, unknown> {
  const out = plain(value, new Set());
  return typeof out === 'object' && out !== null && !Array.isArray(out) ? (out as Record<string, unknown>) : {};
}

function plain(v: unknown, seen: Set<object>): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'bigint':
      return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    case 'object':
      break;
    default:
      return undefined; // functions, symbols, undefined
  }
  if (v === null) return null;
  if (v instanceof Date) return v.toISOString();
  if (seen.has(v)) return undefined;
  seen.add(v);
  try {
    if (Array.isArray(v)) return v.map((x) => plain(x, seen) ?? null);
    if (v instanceof Map) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of v) if (typeof k === 'string') setDefined(out, k, plain(x, seen));
      return out;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setDefined(out, k, plain(x, seen));
    return out;
  } finally {
    seen.delete(v);
  }
}

function setDefined(out: Record<string, unknown>, k: string, x: unknown): void {
  if (x !== undefined) out[k] = x;
}

/** A value from minijinja as JSON-shaped data: `Map` becomes an object, `undefined` (none) becomes null. */
export function toNative(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) out[String(k)] = toNative(x);
    return out;
  }
  if (Array.isArray(v)) return v.map(toNative);
  return v;
}
