import { describe, expect, it } from 'vitest';
import { KvCipher } from '../../../engine/datastore/kv-cipher.js';
import { SecretParameters } from '../../../engine/executions/secret-parameters.js';
import type { ParamSpecs } from '../../../engine/model/action.js';

const specs: ParamSpecs = {
  url: { type: 'string' },
  password: { type: 'string', secret: true },
  headers: { type: 'object', secret: true },
};

describe('SecretParameters', () => {
  const secrets = new SecretParameters(KvCipher.fromKey(Buffer.alloc(32, 3)));

  it('seals only secret values, and opens them to what was given', () => {
    const given = { url: 'https://x.example/', password: 'pw-1', headers: { Authorization: 'Bearer t-2' } };
    const sealed = secrets.seal('e1', specs, given);
    expect(sealed.url).toBe('https://x.example/');
    expect(sealed.password).toMatch(/^sqenc1:/);
    expect(JSON.stringify(sealed)).not.toContain('pw-1');
    expect(JSON.stringify(sealed)).not.toContain('t-2');
    expect(secrets.open('e1', specs, sealed)).toEqual(given);
  });

  it('does not open a sealed value under another execution or with another key', () => {
    const sealed = secrets.seal('e1', specs, { password: 'pw-1' });
    expect(() => secrets.open('e2', specs, sealed)).toThrow(/Secret parameter "password" cannot be opened/);
    const other = new SecretParameters(KvCipher.fromKey(Buffer.alloc(32, 4)));
    expect(() => other.open('e1', specs, sealed)).toThrow(/another key/);
  });

  it('returns a secret stored before sealing (plain) as it is', () => {
    expect(secrets.open('e1', specs, { password: 'legacy-plain' })).toEqual({ password: 'legacy-plain' });
  });
});
