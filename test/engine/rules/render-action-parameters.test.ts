import { describe, expect, it } from 'vitest';
import { KvCipher } from '../../../engine/datastore/kv-cipher.js';
import type { Rule } from '../../../engine/model/rule.js';
import { buildRule } from '../../../engine/rules/build-rule.js';
import { renderActionParameters } from '../../../engine/rules/render-action-parameters.js';

function rule(parameters: Record<string, unknown>): Rule {
  const r = buildRule({
    name: 'r',
    pack: 'ops',
    trigger: { type: 'ops.event' },
    action: { ref: 'ops.act', parameters },
  }).rule;
  if (!r) throw new Error('bad rule');
  return r;
}

describe('renderActionParameters', () => {
  it('renders trigger, rule and st2kv, keeping native types of whole expressions', () => {
    const r = renderActionParameters(
      rule({
        host: '{{ trigger.body.host }}',
        n: '{{ trigger.body.n }}',
        msg: '{{ rule.ref }}: {{ trigger.body.host }} in {{ st2kv.system.region }}',
        list: ['{{ trigger.body.n }}', 'x'],
        json: '{{ trigger.body | to_json_string }}',
        parsed: '{{ \'{"a": 1}\' | from_json_string }}',
      }),
      { body: { host: 'web1', n: 3 } },
      { st2kv: { system: { region: 'eu' }, user: {} } },
    );
    expect(r).toEqual({
      ok: true,
      parameters: {
        host: 'web1',
        n: 3,
        msg: 'ops.r: web1 in eu',
        list: [3, 'x'],
        json: '{"host":"web1","n":3}',
        parsed: { a: 1 },
      },
    });
  });

  it('never renders a template that arrives inside the payload', () => {
    const r = renderActionParameters(rule({ cmd: 'echo {{ trigger.text }}', whole: '{{ trigger.text }}' }), {
      text: '{{ 7*7 }} {% for x in range(3) %}x{% endfor %}',
    });
    expect(r).toEqual({
      ok: true,
      parameters: {
        cmd: 'echo {{ 7*7 }} {% for x in range(3) %}x{% endfor %}',
        whole: '{{ 7*7 }} {% for x in range(3) %}x{% endfor %}',
      },
    });
  });

  it('names the parameter and the cause when a template fails', () => {
    const r = renderActionParameters(rule({ ok: 'x', host: '{{ trigger.body.missing.deeper }}' }), { body: {} });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.parameter).toBe('host');
    expect(r.reason).toMatch(
      /^Failed to render parameter "host": Cannot render "\{\{ trigger\.body\.missing\.deeper \}\}": /,
    );
  });

  it('casts to the declared types and reports values that do not fit', () => {
    const specs = {
      timeout: { type: 'integer' as const },
      verbose: { type: 'boolean' as const },
      name: { type: 'string' as const },
    };
    const ok = renderActionParameters(
      rule({ timeout: '{{ trigger.t }}', verbose: 'true', name: 'n' }),
      { t: '30' },
      { specs },
    );
    expect(ok).toEqual({ ok: true, parameters: { timeout: 30, verbose: true, name: 'n' } });
    const bad = renderActionParameters(rule({ timeout: '{{ trigger.t }}' }), { t: 'soon' }, { specs });
    expect(bad).toEqual({ ok: false, reason: 'Invalid parameters for ops.act: timeout: expected integer, got "soon"' });
  });

  it('decrypts datastore secrets with | decrypt_kv, and fails without a key', () => {
    const cipher = KvCipher.fromKey(Buffer.alloc(32, 7));
    const stored = cipher.encrypt('hunter2');
    const params = rule({ password: '{{ st2kv.system.pw | decrypt_kv }}', raw: '{{ st2kv.system.pw }}' });
    const st2kv = { system: { pw: stored }, user: {} };
    const r = renderActionParameters(params, {}, { st2kv, decrypt: (v) => cipher.decrypt(v) });
    expect(r).toEqual({ ok: true, parameters: { password: 'hunter2', raw: stored } });
    const noKey = renderActionParameters(params, {}, { st2kv });
    expect(noKey.ok).toBe(false);
    if (!noKey.ok) {
      expect(noKey.reason).toContain('no datastore encryption key is available here');
      expect(noKey.reason).not.toContain('hunter2');
    }
  });
});
