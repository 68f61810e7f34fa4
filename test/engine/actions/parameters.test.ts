import { describe, expect, it } from 'vitest';
import {
  effectiveSpecs,
  MASK,
  maskDeep,
  maskSecrets,
  maskText,
  type ParamProblem,
  resolveParameters,
  secretValues,
} from '../../../engine/actions/parameters.js';
import { SquallError } from '../../../engine/errors.js';
import type { ParamSpecs } from '../../../engine/model/action.js';

const specs: ParamSpecs = {
  cmd: { type: 'string', required: true },
  timeout: { type: 'integer', default: 60 },
  ratio: { type: 'number' },
  force: { type: 'boolean' },
  hosts: { type: 'array' },
  env: { type: 'object' },
  method: { type: 'string', enum: ['GET', 'POST'] },
  sudo: { type: 'boolean', default: false, immutable: true },
  anything: {},
};

function problemsOf(fn: () => unknown): { message: string; errors: ParamProblem[] } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SquallError);
    const err = e as SquallError;
    expect(err.code).toBe('SQ_PARAMETER_INVALID');
    return { message: err.message, errors: (err.details?.errors ?? []) as ParamProblem[] };
  }
  throw new Error('expected resolveParameters to throw');
}

describe('resolveParameters', () => {
  it('honours JSON-schema bounds, naming the parameter and never quoting a secret', () => {
    const bounded: ParamSpecs = {
      max_pause: { type: 'integer', minimum: 0, maximum: 3600 },
      ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      step: { type: 'integer', multipleOf: 5 },
      name: { type: 'string', minLength: 2, maxLength: 4, pattern: '^[a-z]+$' },
      token: { type: 'string', secret: true, minLength: 8 },
      hosts: { type: 'array', minItems: 1, maxItems: 2 },
    };
    const { message, errors } = problemsOf(() =>
      resolveParameters(
        bounded,
        { max_pause: '-1', ratio: '1', step: '7', name: 'ABCDE', token: 'short', hosts: '[]' },
        { castStrings: true, subject: 'core.pause' },
      ),
    );
    expect(errors).toEqual([
      { parameter: 'max_pause', problem: 'must be at least 0' },
      { parameter: 'ratio', problem: 'must be less than 1' },
      { parameter: 'step', problem: 'must be a multiple of 5' },
      { parameter: 'name', problem: 'must be at most 4 characters long' },
      { parameter: 'token', problem: 'must be at least 8 characters long' },
      { parameter: 'hosts', problem: 'must have at least 1 items' },
    ]);
    expect(message).toMatch(/^Invalid parameters for core\.pause: max_pause: must be at least 0;/);
    expect(message).not.toContain('short');
    expect(problemsOf(() => resolveParameters(bounded, { name: 'ab1' })).errors).toEqual([
      { parameter: 'name', problem: 'must match the pattern ^[a-z]+$' },
    ]);
    expect(resolveParameters(bounded, { max_pause: 0, ratio: 0.5, step: 10, name: 'ab', hosts: ['a'] })).toEqual({
      max_pause: 0,
      ratio: 0.5,
      step: 10,
      name: 'ab',
      hosts: ['a'],
    });
  });

  it('applies defaults, including immutable ones, and keeps given values typed', () => {
    expect(resolveParameters(specs, { cmd: 'uptime', hosts: ['a'], anything: { x: 1 } })).toEqual({
      cmd: 'uptime',
      timeout: 60,
      sudo: false,
      hosts: ['a'],
      anything: { x: 1 },
    });
  });

  it('lists every problem at once, each naming its parameter, in the message and in details', () => {
    const { message, errors } = problemsOf(() =>
      resolveParameters(specs, { timeout: 'abc', sudo: true, method: 'PUT', nope: 1 }, { subject: 'core.local' }),
    );
    expect(errors).toEqual([
      {
        parameter: 'nope',
        problem: 'unknown parameter (the action takes: cmd, timeout, ratio, force, hosts, env, method, sudo, anything)',
      },
      { parameter: 'cmd', problem: 'is required' },
      { parameter: 'timeout', problem: 'expected integer, got string' },
      { parameter: 'method', problem: 'must be one of GET, POST' },
      { parameter: 'sudo', problem: 'is immutable and cannot be set' },
    ]);
    expect(message).toBe(
      'Invalid parameters for core.local: nope: unknown parameter (the action takes: cmd, timeout, ratio, force, hosts, env, method, sudo, anything); ' +
        'cmd: is required; timeout: expected integer, got string; method: must be one of GET, POST; sudo: is immutable and cannot be set',
    );
  });

  it('names no action when no subject is given', () => {
    expect(problemsOf(() => resolveParameters(specs, {})).message).toBe('Invalid parameters: cmd: is required');
  });

  it('is strict about JSON types by default', () => {
    const { errors } = problemsOf(() =>
      resolveParameters(specs, {
        cmd: 5,
        timeout: 4.2,
        ratio: '1.5',
        force: 'true',
        hosts: 'a,b',
        env: [],
        method: 'GET',
      }),
    );
    expect(errors).toEqual([
      { parameter: 'cmd', problem: 'expected string, got integer' },
      { parameter: 'timeout', problem: 'expected integer, got number' },
      { parameter: 'ratio', problem: 'expected number, got string' },
      { parameter: 'force', problem: 'expected boolean, got string' },
      { parameter: 'hosts', problem: 'expected array, got string' },
      { parameter: 'env', problem: 'expected object, got array' },
    ]);
  });

  it('treats null as not given: the default applies, or the parameter is missing', () => {
    expect(resolveParameters(specs, { cmd: 'x', timeout: null, ratio: null })).toEqual({
      cmd: 'x',
      timeout: 60,
      sudo: false,
    });
    expect(problemsOf(() => resolveParameters(specs, { cmd: null })).errors).toEqual([
      { parameter: 'cmd', problem: 'is required' },
    ]);
  });

  it('satisfies a required parameter with its default', () => {
    expect(resolveParameters({ n: { type: 'integer', required: true, default: 5 } }, {})).toEqual({ n: 5 });
  });

  it('leaves a template default as is for later rendering', () => {
    const s: ParamSpecs = { when: { type: 'integer', default: '{{ trigger.count }}' } };
    expect(resolveParameters(s, {})).toEqual({ when: '{{ trigger.count }}' });
  });

  it('accepts any value for a parameter without a type', () => {
    expect(resolveParameters({ x: {} }, { x: [1, { a: true }] })).toEqual({ x: [1, { a: true }] });
  });

  it('says so when the action takes no parameters', () => {
    expect(problemsOf(() => resolveParameters({}, { a: 1 })).errors).toEqual([
      { parameter: 'a', problem: 'unknown parameter (the action takes: no parameters)' },
    ]);
  });

  describe('with castStrings (chat and CLI input)', () => {
    const cast = (given: Record<string, unknown>) =>
      resolveParameters(specs, { cmd: 'x', ...given }, { castStrings: true });

    it('casts integers, and only whole numbers', () => {
      expect(cast({ timeout: '42' }).timeout).toBe(42);
      expect(cast({ timeout: ' -7 ' }).timeout).toBe(-7);
      expect(problemsOf(() => cast({ timeout: '4.2' })).errors).toEqual([
        { parameter: 'timeout', problem: 'expected integer, got "4.2"' },
      ]);
      expect(problemsOf(() => cast({ timeout: 'abc' })).message).toBe(
        'Invalid parameters: timeout: expected integer, got "abc"',
      );
    });

    it('casts numbers written in decimal', () => {
      expect(cast({ ratio: '0.25' }).ratio).toBe(0.25);
      expect(cast({ ratio: '1e3' }).ratio).toBe(1000);
      expect(problemsOf(() => cast({ ratio: '0x10' })).errors).toEqual([
        { parameter: 'ratio', problem: 'expected number, got "0x10"' },
      ]);
      expect(problemsOf(() => cast({ ratio: '' })).errors).toEqual([
        { parameter: 'ratio', problem: 'expected number, got ""' },
      ]);
    });

    it('casts booleans from true/false/yes/no/1/0/on/off in any case', () => {
      for (const t of ['true', 'YES', 'On', '1']) expect(cast({ force: t }).force).toBe(true);
      for (const f of ['false', 'No', 'OFF', '0']) expect(cast({ force: f }).force).toBe(false);
      expect(problemsOf(() => cast({ force: 'maybe' })).errors).toEqual([
        { parameter: 'force', problem: 'expected boolean, got "maybe"' },
      ]);
    });

    it('casts arrays from JSON, else by splitting on commas', () => {
      expect(cast({ hosts: '["a,b", "c"]' }).hosts).toEqual(['a,b', 'c']);
      expect(cast({ hosts: 'web1, web2 ,web3' }).hosts).toEqual(['web1', 'web2', 'web3']);
      expect(cast({ hosts: '[not json' }).hosts).toEqual(['[not json']);
    });

    it('casts objects from JSON objects only', () => {
      expect(cast({ env: '{"A": "1"}' }).env).toEqual({ A: '1' });
      expect(problemsOf(() => cast({ env: '[1]' })).errors).toEqual([
        { parameter: 'env', problem: 'expected object, got "[1]"' },
      ]);
    });

    it('keeps strings as typed and still checks enums after casting', () => {
      expect(cast({ cmd: ' ls -l ' }).cmd).toBe(' ls -l ');
      expect(problemsOf(() => cast({ method: 'get' })).errors).toEqual([
        { parameter: 'method', problem: 'must be one of GET, POST' },
      ]);
    });

    it('never echoes a secret that failed to cast', () => {
      const s: ParamSpecs = { pin: { type: 'integer', secret: true } };
      const { message } = problemsOf(() => resolveParameters(s, { pin: 'hunter2' }, { castStrings: true }));
      expect(message).toBe('Invalid parameters: pin: expected integer, got a value that is not one');
      expect(message).not.toContain('hunter2');
    });
  });
});

describe('effectiveSpecs', () => {
  const runner: ParamSpecs = {
    cmd: { type: 'string', description: 'runner cmd', position: 0 },
    timeout: { type: 'integer', default: 60 },
    sudo: { type: 'boolean', default: false },
  };

  it('lets the action override default, description, enum, immutable and required, and add its own', () => {
    const merged = effectiveSpecs(runner, {
      cmd: { type: 'integer', description: 'the command', required: true, position: 3 },
      sudo: { default: true, immutable: true },
      extra: { type: 'string' },
    });
    expect(merged).toEqual({
      cmd: { type: 'string', description: 'the command', position: 0, required: true },
      timeout: { type: 'integer', default: 60 },
      sudo: { type: 'boolean', default: true, immutable: true },
      extra: { type: 'string' },
    });
  });

  it('lets an action mark a runner parameter secret but never unmark one', () => {
    const r: ParamSpecs = { password: { type: 'string', secret: true }, token: { type: 'string' } };
    expect(effectiveSpecs(r, { password: { secret: false }, token: { secret: true } })).toEqual({
      password: { type: 'string', secret: true },
      token: { type: 'string', secret: true },
    });
  });
});

describe('secret masking', () => {
  const s: ParamSpecs = { user: { type: 'string' }, password: { type: 'string', secret: true }, key: { secret: true } };

  it('masks secret parameter values as a whole', () => {
    expect(maskSecrets(s, { user: 'bob', password: 'hunter2', key: { a: 'b' } })).toEqual({
      user: 'bob',
      password: MASK,
      key: MASK,
    });
    expect(MASK).toBe('********');
  });

  it('leaves an absent secret absent and a null one null', () => {
    expect(maskSecrets(s, { user: 'bob', password: null })).toEqual({ user: 'bob', password: null });
  });

  it('lists the string forms of secrets, longest first, and masks them inside text and nested values', () => {
    const values = secretValues(s, { user: 'bob', password: 'pw', key: { token: 'tok-123' } });
    expect(values).toEqual(['{"token":"tok-123"}', 'tok-123', 'pw']);
    expect(maskText('login pw then tok-123, pw again', values)).toBe('login ******** then ********, ******** again');
    expect(maskDeep({ out: ['has pw'], n: 3, nested: { s: 'tok-123' } }, values)).toEqual({
      out: ['has ********'],
      n: 3,
      nested: { s: '********' },
    });
  });

  it('masks a secret containing another as a whole', () => {
    expect(maskText('abc-abcdef', ['abc', 'abcdef'])).toBe('********-********');
  });
});
