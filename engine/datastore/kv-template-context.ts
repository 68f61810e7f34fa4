import type { KeyLookup, KvScope } from './kv-lookup.js';

/**
 * The template engine (minijinja, WebAssembly) is synchronous and takes plain data, while the datastore
 * is async. So the keys a template names are read before rendering and handed in as `st2kv.system` /
 * `st2kv.user` objects.
 */

/** The datastore keys some templates name. */
export interface KvRefs {
  system: Set<string>;
  user: Set<string>;
  /** A template reads a key chosen at render time (`st2kv.system[name]`): it needs the whole scope. */
  dynamicSystem: boolean;
  dynamicUser: boolean;
}

export function emptyKvRefs(): KvRefs {
  return { system: new Set(), user: new Set(), dynamicSystem: false, dynamicUser: false };
}

const ST2KV = /st2kv\s*\.\s*(system|user)\b((?:\s*\.\s*[A-Za-z_]\w*)+|\s*\[\s*(['"])((?:(?!\3).)*)\3\s*\])?(\s*\()?/g;

/**
 * Adds the keys `template` names to `into`. `st2kv.system.a.b` names the key `a.b` (StackStorm's
 * dotted lookup); `st2kv.system['my-key']` names `my-key`; `st2kv.system.name.split(',')` names `name`.
 */
export function collectKvRefs(template: string, into: KvRefs = emptyKvRefs()): KvRefs {
  if (!template.includes('st2kv')) return into;
  let named = 0;
  for (const m of template.matchAll(ST2KV)) {
    named++;
    const scope = m[1] as 'system' | 'user';
    let name: string | undefined;
    if (m[4] !== undefined) name = m[4];
    else if (m[2] !== undefined) {
      const parts = m[2]
        .split('.')
        .map((p) => p.trim())
        .filter(Boolean);
      // `.split(` after the chain is a method call on the value, not part of the key's name.
      if (m[5] !== undefined) parts.pop();
      if (parts.length) name = parts.join('.');
    }
    if (name === undefined) {
      if (scope === 'system') into.dynamicSystem = true;
      else into.dynamicUser = true;
    } else into[scope].add(name);
  }
  // `st2kv` passed around whole (`{% set kv = st2kv %}`) defeats the scan: read everything.
  if (named < (template.match(/st2kv/g) ?? []).length) {
    into.dynamicSystem = true;
    into.dynamicUser = true;
  }
  return into;
}

/** What templates see as `st2kv`, and which named keys were absent (they render as ""). */
export interface KvTemplateContext {
  st2kv: { system: Record<string, unknown>; user: Record<string, unknown> };
  missing: string[];
}

/**
 * Reads the keys `refs` names. Without a lookup (e.g. `squall rule test` with no datastore) every
 * named key is missing. A missing key renders as the empty string, as in StackStorm.
 */
export async function loadKvContext(
  refs: KvRefs,
  lookup: KeyLookup | undefined,
  user: string | undefined,
): Promise<KvTemplateContext> {
  const out: KvTemplateContext = { st2kv: { system: {}, user: {} }, missing: [] };
  const scopes: [KvScope, 'system' | 'user', Set<string>, boolean][] = [
    ['st2kv.system', 'system', refs.system, refs.dynamicSystem],
    ['st2kv.user', 'user', refs.user, refs.dynamicUser && user !== undefined],
  ];
  for (const [scope, short, names, dynamic] of scopes) {
    const target = out.st2kv[short];
    if (dynamic && lookup?.list) {
      for (const [name, value] of await lookup.list(scope, short === 'user' ? user : undefined))
        place(target, name, value);
    }
    for (const name of names) {
      if (Object.hasOwn(target, name)) continue;
      const value =
        short === 'user' && user === undefined
          ? undefined
          : await lookup?.get(scope, name, short === 'user' ? user : undefined);
      if (value === undefined) out.missing.push(`${scope}.${name}`);
      place(target, name, value ?? '');
    }
  }
  return out;
}

/** Puts `a.b` both flat (`st2kv.system['a.b']`) and nested (`st2kv.system.a.b`), unless a key `a` holds a value. */
function place(target: Record<string, unknown>, name: string, value: string): void {
  target[name] = value;
  const parts = name.split('.');
  if (parts.length < 2) return;
  let node: Record<string, unknown> = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === undefined) node[part] = {};
    else if (typeof next !== 'object' || next === null) return;
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}
