import { describe, expect, it } from 'vitest';
import { buildParameters, fieldsOf, initialValues, jsonProblem } from '../../../../web/src/lib/param-fields.ts';

const params = {
  timeout: { type: 'integer', default: 60 },
  cmd: { type: 'string', required: true, position: 0 },
  sudo: { type: 'boolean', default: false },
  password: { type: 'string', secret: true },
  method: { type: 'string', enum: ['GET', 'POST'], default: 'GET' },
  hosts: { type: 'array' },
  env: { type: 'object' },
  ratio: { type: 'number' },
  kwarg_op: { type: 'string', immutable: true, default: '--' },
};

describe('run form fields from action parameters', () => {
  it('derives kinds, puts required first, hides immutable parameters', () => {
    const fields = fieldsOf(params);
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ['cmd', 'string'],
      ['env', 'object'],
      ['hosts', 'array'],
      ['method', 'enum'],
      ['password', 'secret'],
      ['ratio', 'number'],
      ['sudo', 'boolean'],
      ['timeout', 'integer'],
    ]);
    expect(fields[0]!.required).toBe(true);
    expect(fields.find((f) => f.name === 'method')!.options).toEqual(['GET', 'POST']);
  });

  it('starts from defaults or given values, secrets always empty', () => {
    const fields = fieldsOf(params);
    const v = initialValues(fields, { cmd: 'uptime', hosts: ['a'], password: '********' });
    expect(v).toMatchObject({ cmd: 'uptime', timeout: '60', sudo: false, method: 'GET', password: '' });
    expect(v.hosts).toBe('[\n  "a"\n]');
  });

  it('types what was typed, leaves out defaults and empty inputs, and names what is wrong', () => {
    const fields = fieldsOf(params);
    const ok = buildParameters(fields, {
      ...initialValues(fields),
      cmd: 'echo hi',
      timeout: '5',
      sudo: true,
      hosts: '["a","b"]',
      env: '{"A":"1"}',
      ratio: '0.5',
      password: 's3cret',
    });
    expect(ok.errors).toEqual({});
    expect(ok.parameters).toEqual({
      cmd: 'echo hi',
      timeout: 5,
      sudo: true,
      hosts: ['a', 'b'],
      env: { A: '1' },
      ratio: 0.5,
      password: 's3cret',
    });
    const bad = buildParameters(fields, { cmd: '', timeout: '1.5', hosts: '{"a":1}', env: '[', ratio: 'x' });
    expect(bad.errors).toEqual({
      cmd: 'is required',
      timeout: 'must be a whole number',
      hosts: 'must be a JSON array, e.g. ["a", "b"]',
      env: expect.stringMatching(/^is not valid JSON/),
      ratio: 'must be a number',
    });
  });

  it('sends every value and checkbox with keepDefaults (an inquiry response must be whole)', () => {
    const fields = fieldsOf({ continue: { type: 'boolean', required: true }, note: { type: 'string', default: 'ok' } });
    expect(buildParameters(fields, initialValues(fields), { keepDefaults: true }).parameters).toEqual({
      continue: false,
      note: 'ok',
    });
    expect(buildParameters(fields, initialValues(fields)).parameters).toEqual({});
  });

  it('checks JSON editors by kind', () => {
    expect(jsonProblem('[1]', 'array')).toBeUndefined();
    expect(jsonProblem('null', 'object')).toMatch(/JSON object/);
    expect(jsonProblem('{}', 'object')).toBeUndefined();
  });
});
