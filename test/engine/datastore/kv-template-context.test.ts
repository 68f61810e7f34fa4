import { describe, expect, it } from 'vitest';
import type { KeyLookup } from '../../../engine/datastore/kv-lookup.js';
import { collectKvRefs, loadKvContext } from '../../../engine/datastore/kv-template-context.js';

describe('datastore keys for templates', () => {
  it('finds the keys a template names', () => {
    const r = collectKvRefs(
      "{{ st2kv.system.a }} {{ st2kv.system.b.c }} {{ st2kv.system['my-key'] }} {{ st2kv.user.u }} {{ st2kv.system.list.split(',') }}",
    );
    expect([...r.system].sort()).toEqual(['a', 'b.c', 'list', 'my-key']);
    expect([...r.user]).toEqual(['u']);
    expect(r.dynamicSystem).toBe(false);
    expect(collectKvRefs('{{ st2kv.system[trigger.k] }}').dynamicSystem).toBe(true);
  });

  it('reads them once, nests dotted names, and marks missing ones as ""', async () => {
    const calls: string[] = [];
    const kv: KeyLookup = {
      get: async (scope, name, user) => {
        calls.push(`${scope}:${user ?? ''}:${name}`);
        return name === 'b.c' ? 'deep' : name === 'u' ? 'mine' : undefined;
      },
    };
    const ctx = await loadKvContext(
      collectKvRefs('{{ st2kv.system.b.c }} {{ st2kv.system.gone }} {{ st2kv.user.u }}'),
      kv,
      'alice',
    );
    expect(ctx.st2kv.system).toEqual({ 'b.c': 'deep', b: { c: 'deep' }, gone: '' });
    expect(ctx.st2kv.user).toEqual({ u: 'mine' });
    expect(ctx.missing).toEqual(['st2kv.system.gone']);
    expect(calls).toEqual(['st2kv.system::b.c', 'st2kv.system::gone', 'st2kv.user:alice:u']);
  });
});
