import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../../engine/model/json.js';
import {
  checkConfigSchema,
  checkPackConfig,
  secretConfigPaths,
  withConfigDefaults,
} from '../../../../engine/packs/config/config-check.js';

const schema: JsonObject = {
  api_url: { type: 'string', required: true },
  port: { type: 'integer', default: 443 },
  verify: { type: 'boolean', default: true },
  region: { type: 'string', enum: ['eu', 'us'] },
  token: { type: 'string', secret: true },
  auth: {
    type: 'object',
    properties: {
      user: { type: 'string', required: true },
      password: { type: 'string', secret: true },
      retries: { type: 'integer', default: 3 },
    },
    additionalProperties: false,
  },
  hosts: { type: 'array', items: { type: 'string' } },
};

describe('checkPackConfig', () => {
  it('accepts a valid config, templates in string options and extra top-level keys', () => {
    expect(
      checkPackConfig(schema, {
        api_url: '{{ st2kv.system.api_url }}',
        port: 8443,
        token: '{{ st2kv.system.token | decrypt_kv }}',
        auth: { user: 'bot' },
        hosts: ['a', 'b'],
        extra: 1,
      }),
    ).toEqual([]);
  });

  it('names each key and problem, without quoting values', () => {
    const problems = checkPackConfig(schema, {
      port: 'not-a-port',
      verify: 'yes please',
      region: 'mars',
      auth: { password: 'hunter2', unknown: 1 },
      hosts: ['a', 2],
    });
    expect(problems).toEqual([
      { field: 'api_url', problem: 'is required' },
      { field: 'port', problem: 'must be an integer (it is a string)' },
      { field: 'verify', problem: 'must be a boolean (it is a string)' },
      { field: 'region', problem: 'must be one of "eu", "us"' },
      { field: 'auth.user', problem: 'is required' },
      { field: 'auth.unknown', problem: 'is not an option of this object' },
      { field: 'hosts[1]', problem: 'must be a string (it is an integer)' },
    ]);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('checks templates as strings: only string options may be templates (as StackStorm)', () => {
    expect(checkPackConfig(schema, { api_url: 'x', port: '{{ st2kv.system.port }}' })).toEqual([
      { field: 'port', problem: 'is a template, but only string options may be templates (this one is an integer)' },
    ]);
  });
});

describe('withConfigDefaults and secretConfigPaths', () => {
  it('fills defaults recursively and lists secret options', () => {
    expect(withConfigDefaults(schema, { api_url: 'x', auth: { user: 'bot' } })).toEqual({
      api_url: 'x',
      port: 443,
      verify: true,
      auth: { user: 'bot', retries: 3 },
      hosts: [],
    });
    expect(secretConfigPaths(schema)).toEqual(['token', 'auth.password']);
  });

  it('reports schema items that are not mappings or have unknown types', () => {
    expect(checkConfigSchema({ a: 'x', b: { type: 'str' }, ok: { type: 'string' } })).toEqual([
      { field: 'a', problem: "must be a mapping (the option's schema: type, description, ...)" },
      { field: 'b.type', problem: 'must be one of string, integer, number, boolean, array, object, null' },
    ]);
  });
});
