import { mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig, resolveConfig } from '../../../app/config.js';
import { readEnv } from '../../../engine/config/from-env.js';

const env = readEnv({ SQUALL_HOME: '/tmp/squall-home-test' });

describe('squall.yaml', () => {
  it('applies defaults: embedded SQLite in the data dir, in-process bus, every role, 127.0.0.1:9101', () => {
    const c = resolveConfig({}, env);
    expect(c.dataDir).toBe('/tmp/squall-home-test');
    expect(c.store).toEqual({ kind: 'sqlite', path: '/tmp/squall-home-test/squall.db' });
    expect(c.bus).toEqual({ kind: 'memory' });
    expect(c.api).toMatchObject({ host: '127.0.0.1', port: 9101 });
    expect(c.roles).toEqual([
      'api',
      'scheduler',
      'runner',
      'notifier',
      'workflow',
      'rules',
      'bot',
      'timers',
      'sensors',
      'gc',
    ]);
    expect(c.chat.prefix).toBe('!');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads gc retention as durations, with StackStorm-like defaults and never for keep-forever', () => {
    const defaults = resolveConfig({}, env).gc;
    expect(defaults.intervalMs).toBe(600_000);
    expect(defaults.retention).toEqual({
      action_output: { ms: 7 * 86_400_000, text: '7d' },
      events: { ms: 86_400_000, text: '1d' },
    });
    const c = resolveConfig(
      parseConfig({
        gc: { interval: '30s', executions: '30d', trigger_instances: 3600, events: 'never', action_output: null },
      }),
      env,
    ).gc;
    expect(c.intervalMs).toBe(30_000);
    expect(c.retention).toEqual({
      executions: { ms: 30 * 86_400_000, text: '30d' },
      trigger_instances: { ms: 3_600_000, text: '3600s' },
    });
  });

  it('names a gc setting that is not a duration', () => {
    expect(() => parseConfig({ gc: { executions: 'a month' } }, 'squall.yaml')).toThrow(
      /squall\.yaml: gc\.executions: must be a duration such as 30d/,
    );
    expect(() => parseConfig({ gc: { executions: 0 } }, 'squall.yaml')).toThrow(
      /gc\.executions: must be longer than 0/,
    );
    expect(() => parseConfig({ gc: { traces: '1d' } }, 'squall.yaml')).toThrow(/gc: unknown key\(s\) "traces"/);
  });

  it('expands ~ in data_dir and pack paths, as the documented example writes them', () => {
    const c = resolveConfig({ data_dir: '~/.squall', packs: { paths: ['~/packs'] } }, env);
    expect(c.dataDir).toBe(join(homedir(), '.squall'));
    expect(c.packPaths).toEqual([join(homedir(), 'packs')]);
  });

  it('names an unknown key and where it is', () => {
    expect(() => parseConfig({ api: { prot: 9000 } }, 'squall.yaml')).toThrow(
      /squall\.yaml: api: unknown key\(s\) "prot"/,
    );
    expect(() => parseConfig({ colour: true }, 'squall.yaml')).toThrow(/unknown key\(s\) "colour"/);
  });

  it('names a wrongly typed value', () => {
    expect(() => parseConfig({ api: { port: 'ninety' } }, 'squall.yaml')).toThrow(/squall\.yaml: api\.port:/);
    expect(() => parseConfig({ store: { kind: 'postgres' } }, 'squall.yaml')).toThrow(/store/);
  });

  it('takes per-role action allow/deny globs and names a bad one', () => {
    const c = resolveConfig(
      parseConfig({ auth: { roles: { operator: { actions: { allow: ['core.*'], deny: ['core.local*'] } } } } }),
      env,
    );
    expect(c.auth.actionRules).toEqual({ operator: { allow: ['core.*'], deny: ['core.local*'] } });
    expect(resolveConfig({}, env).auth.actionRules).toEqual({});
    expect(() => parseConfig({ auth: { roles: { ops: {} } } }, 'squall.yaml')).toThrow(
      /auth\.roles: unknown key\(s\) "ops"/,
    );
    expect(() =>
      parseConfig({ auth: { roles: { operator: { actions: { deny: ['core.(local)'] } } } } }, 'squall.yaml'),
    ).toThrow(/auth\.roles\.operator\.actions\.deny\[0\]: must be an action ref or a glob/);
  });

  it('reports a YAML syntax error with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-cfg-'));
    const file = join(dir, 'squall.yaml');
    writeFileSync(file, 'api:\n  port: [1,\n');
    expect(() => loadConfigFile(file)).toThrow(new RegExp(`${file}: invalid YAML`));
  });

  it('does not quote the broken line of a YAML syntax error, which may hold a token', () => {
    const dir = mkdtempSync(join(tmpdir(), 'squall-cfg-'));
    const file = join(dir, 'squall.yaml');
    writeFileSync(file, 'slack:\n  bot_token: xoxb-secret-1234\n   broken: : x\n');
    let message = '';
    try {
      loadConfigFile(file);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/invalid YAML: .*line 2, column \d+/);
    expect(message).not.toContain('xoxb-secret-1234');
  });

  it('command-line overrides win over the file', () => {
    const c = resolveConfig(parseConfig({ api: { port: 1000, host: '0.0.0.0' } }), env, {
      port: 2000,
      dataDir: '/tmp/x',
    });
    expect(c.api.port).toBe(2000);
    expect(c.api.host).toBe('0.0.0.0');
    expect(c.dataDir).toBe('/tmp/x');
  });

  it('refuses a subset of roles on the in-process bus, which cannot reach other processes', () => {
    expect(() => resolveConfig({ roles: ['runner'] }, env)).toThrow(/shared bus/);
    const c = resolveConfig({ roles: ['runner'], bus: { kind: 'amqp', url: 'amqp://localhost' } }, env);
    expect(c.roles).toEqual(['runner']);
  });

  it("accepts `workflows`, the workflow role's former name, and a comma-split --role list", () => {
    const amqp = { bus: { kind: 'amqp' as const, url: 'amqp://localhost' } };
    expect(resolveConfig(parseConfig({ roles: ['workflows', 'workflow'], ...amqp }), env).roles).toEqual(['workflow']);
    expect(resolveConfig(amqp, env, { roles: ['runner', 'workflows'] }).roles).toEqual(['runner', 'workflow']);
    expect(() => resolveConfig(amqp, env, { roles: ['runners'] })).toThrow(/unknown role "runners"/);
  });

  it('takes the graceful-stop period from shutdown.grace (seconds), 10 by default', () => {
    expect(resolveConfig({}, env).shutdown.graceMs).toBe(10_000);
    expect(resolveConfig(parseConfig({ shutdown: { grace: 2.5 } }), env).shutdown.graceMs).toBe(2_500);
    expect(() => parseConfig({ shutdown: { grace: -1 } }, 'squall.yaml')).toThrow(/shutdown\.grace/);
  });

  it('takes durations in seconds and keeps them in milliseconds', () => {
    const c = resolveConfig(parseConfig({ executions: { abandon_after: 12, heartbeat_interval: 0.5 } }), env);
    expect(c.executions.abandonAfterMs).toBe(12_000);
    expect(c.executions.heartbeatMs).toBe(500);
  });
});
