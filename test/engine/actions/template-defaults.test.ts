import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { tempDir } from '../../../bench/bench-util.js';
import { renderTemplateDefaults } from '../../../engine/actions/template-defaults.js';
import { readCredentials } from '../../../engine/auth/credentials.js';
import { silentLogger } from '../../../engine/logger.js';
import { TestShell } from '../../support/chat-shell.js';

const PACK_DIR = fileURLToPath(new URL('../../fixtures/engine-packs/kvdefaults/', import.meta.url));

type Json = Record<string, unknown>;

// Parameter defaults that are templates, rendered by the execution service for every caller: the
// API, chat (terminal adapter) and re-runs, with the datastore and the pack's config in scope.
describe('parameter defaults that are templates', () => {
  const dir = tempDir('squall-defaults-');
  const shell = new TestShell();
  let server: RunningServer;
  let apiKey: string;

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'St2-Api-Key': apiKey, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }

  async function runViaApi(action: string, parameters: Json = {}): Promise<Json> {
    const r = await api('POST', '/api/v1/executions', { action, parameters });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const done = await server.core.executions.waitForTerminal(String(r.body.id), 20_000);
    return (await api('GET', `/api/v1/executions/${done?.id}`)).body;
  }

  beforeAll(async () => {
    await mkdir(join(dir.path, 'configs'), { recursive: true });
    await writeFile(join(dir.path, 'configs', 'kvdefaults.yaml'), 'count: 7\n');
    server = await startServer({
      dataDir: dir.path,
      config: {
        api: { port: 0 },
        log: { level: 'silent' },
        chat: { shell: false },
        packs: { paths: [PACK_DIR] },
      },
      logger: silentLogger,
      localShellChannel: 'terminal',
      adapters: () => [shell.adapter],
    });
    apiKey = (await readCredentials(dir.path))?.api_key ?? '';
    await server.core.kv.set({ scope: 'st2kv.system', name: 'region', value: 'eu-west-1' }, 'test');
    await server.core.kv.set({ scope: 'st2kv.user', user: 'admin', name: 'team', value: 'ops' }, 'test');
    await server.core.kv.set({ scope: 'st2kv.system', name: 'size_text', value: 'large' }, 'test');
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  it('renders st2kv and config_context defaults through the API, typed as declared', async () => {
    const e = await runViaApi('kvdefaults.whereami');
    expect(e.status).toBe('succeeded');
    expect(e.parameters).toMatchObject({
      region: 'eu-west-1',
      count: 7,
      greeting: 'hello',
      owner: 'ops',
      env: { REGION: 'eu-west-1', COUNT: 8, GREETING: 'hello from eu-west-1', OWNER: 'ops' },
    });
    expect((e.result as Json).stdout).toBe('region=eu-west-1 count=8 greeting=hello from eu-west-1 owner=ops');
  });

  it('never renders a value the caller gives: it is data, and defaults built on it see it as text', async () => {
    const e = await runViaApi('kvdefaults.whereami', { region: '{{ st2kv.system.size_text }}', count: 2 });
    expect(e.parameters).toMatchObject({ region: '{{ st2kv.system.size_text }}', count: 2 });
    expect((e.result as Json).stdout).toBe(
      'region={{ st2kv.system.size_text }} count=3 greeting=hello from {{ st2kv.system.size_text }} owner=ops',
    );
  });

  it('renders the same defaults for a command from chat', async () => {
    shell.type('!where am i');
    await shell.waitFor(/region=eu-west-1 count=8 greeting=hello from eu-west-1 owner=ops/);
    const mark = shell.text.length;
    shell.type('!where am i in {{ 7 * 7 }}');
    const t = await shell.waitFor(/region=.* count=8/, 20_000, mark);
    expect(t.slice(mark)).toContain('region={{ 7 * 7 }} count=8 greeting=hello from {{ 7 * 7 }}');
    expect(t.slice(mark)).not.toContain('region=49');
  });

  it('renders the same defaults for an execution a rule starts, and fails the enforcement naming the parameter', async () => {
    const hook = await api('POST', '/api/v1/webhooks/kvdefaults/where', { any: 'thing' });
    expect(hook.status).toBe(202);
    const enforcement = async (rule: string) =>
      (await server.core.store.ruleEnforcements.list({ ruleRef: rule })).items[0];
    await expect.poll(() => enforcement('kvdefaults.where_hook'), { timeout: 20_000 }).toBeDefined();
    const ran = await enforcement('kvdefaults.where_hook');
    expect(ran?.status).toBe('succeeded');
    const done = await server.core.executions.waitForTerminal(String(ran?.execution_id), 20_000);
    // The rule's execution runs as the rules engine's user, who has no st2kv.user.team: it renders "".
    expect(done?.result).toMatchObject({ stdout: 'region=eu-west-1 count=8 greeting=hello from eu-west-1 owner=' });

    expect((await api('POST', '/api/v1/webhooks/kvdefaults/broken', {})).status).toBe(202);
    await expect.poll(() => enforcement('kvdefaults.broken_hook'), { timeout: 20_000 }).toBeDefined();
    const failed = await enforcement('kvdefaults.broken_hook');
    expect(failed?.status).toBe('failed');
    expect(failed?.failure_reason).toContain('url: its default cannot be rendered');
  });

  it('refuses with 400 naming the parameter when a default cannot be rendered or cast', async () => {
    const r = await api('POST', '/api/v1/executions', { action: 'kvdefaults.broken_default', parameters: {} });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('SQ_PARAMETER_INVALID');
    expect(r.body.faultstring).toContain('url: its default cannot be rendered');
    expect(r.body.faultstring).toContain('size: its default, once rendered: expected integer, got "large"');
    // Given values need no default: the same action runs.
    const ok = await api('POST', '/api/v1/executions', {
      action: 'kvdefaults.broken_default',
      parameters: { url: 'https://example.test', size: 3 },
    });
    expect(ok.status).toBe(201);
  });

  it('tells a chat user which parameter failed', async () => {
    await server.core.kv.delete({ scope: 'st2kv.system', name: 'region' }, 'test');
    await writeFile(join(dir.path, 'configs', 'kvdefaults.yaml'), 'count: lots\n');
    const mark = shell.text.length;
    shell.type('!where am i');
    // The pack's config.schema.yaml says count is an integer: the config is refused naming file and key.
    const t = await shell.waitFor(/kvdefaults\.yaml: count: must be/, 20_000, mark);
    expect(t.slice(mark)).not.toMatch(/succeeded/);
    await writeFile(join(dir.path, 'configs', 'kvdefaults.yaml'), 'count: 7\n');
  });
});

describe('renderTemplateDefaults', () => {
  const opts = { source: {}, pack: 'p', user: 'u', context: { user: 'u' }, subject: 'p.a' };

  it('renders a default built on another after it, and refuses a cycle naming both', async () => {
    const specs = await renderTemplateDefaults(
      { b: { type: 'string', default: '{{ a }}-b' }, a: { type: 'integer', default: '{{ 20 + 1 }}' } },
      {},
      opts,
    );
    expect(specs.a?.default).toBe(21);
    expect(specs.b?.default).toBe('21-b');
    await expect(
      renderTemplateDefaults(
        { a: { type: 'string', default: '{{ b }}' }, b: { type: 'string', default: '{{ a }}' } },
        {},
        opts,
      ),
    ).rejects.toThrow(/a: its default refers in a cycle to b; b: its default refers in a cycle to a/);
  });

  it('leaves given parameters alone and renders an immutable default even when given', async () => {
    const specs = await renderTemplateDefaults(
      {
        a: { type: 'string', default: '{{ 1 + 1 }}' },
        fixed: { type: 'string', immutable: true, default: '{{ a }}!' },
      },
      { a: 'given {{ x }}', fixed: 'ignored' },
      opts,
    );
    expect(specs.a?.default).toBe('{{ 1 + 1 }}');
    expect(specs.fixed?.default).toBe('given {{ x }}!');
  });
});
