import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { tempDir } from '../../../bench/bench-util.js';
import type { ChatMessage } from '../../../bot/chat-adapter.js';
import { silentLogger } from '../../../engine/logger.js';
import { buildAlias } from '../../../engine/packs/kinds/alias-kind.js';

// Issue 9, defect 3: an alias's `permissions` and `channels`, and a role's action allow/deny list,
// bind every way of running something — the chat router, /api/v1/aliasexecution(/match_and_execute),
// /api/v1/executions and re_run — with the same rule and the same message. Real server, real parts.

type Json = Record<string, unknown>;

function msg(text: string, over: Partial<ChatMessage> = {}): ChatMessage {
  return { platform: 'slack', channel: 'C-ops', user: 'U-opal', text, mentioned: false, direct: false, ...over };
}

describe('who may run an alias or an action, everywhere', () => {
  const dir = tempDir('squall-access-');
  let s: RunningServer;
  const keys: Record<string, string> = {};

  async function api(
    who: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers: { 'St2-Api-Key': keys[who]!, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Json };
  }
  const handle = (m: ChatMessage) => s.chat!.router.handle(m);
  const count = async () => (await s.core.store.executions.list({ limit: 1000 })).items.length;

  beforeAll(async () => {
    s = await startServer({
      dataDir: dir.path,
      config: {
        api: { port: 0 },
        log: { level: 'silent' },
        chat: { shell: false, users: { slack: { 'U-opal': 'opal', 'U-ada': 'ada' } } },
        auth: { roles: { operator: { actions: { deny: ['core.local*', 'core.remote*'] } } } },
      },
      logger: silentLogger,
    });
    for (const [name, role] of [
      ['opal', 'operator'],
      ['ada', 'admin'],
    ] as const) {
      await s.core.auth.createUser(name, `${name}-password-1`, [role]);
      keys[name] = (await s.core.auth.createApiKey(name)).key;
    }
    for (const def of [
      { name: 'deploy', action_ref: 'core.echo', formats: ['deploy {{ message }}'], permissions: { roles: ['admin'] } },
      { name: 'restart', action_ref: 'core.noop', formats: ['restart service'], channels: ['C-prod'] },
    ]) {
      const { alias, problems } = buildAlias(def, { pack: 'ops', metadataFile: 'test' });
      if (!alias) throw new Error(JSON.stringify(problems));
      await s.core.store.aliases.upsert(alias);
    }
    await s.chat!.catalog.refresh();
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    dir.remove();
  });

  describe("an alias's permissions", () => {
    const refusal =
      'You (opal) are not allowed to run "deploy {{ message }}" here: alias ops.deploy is limited to some users and roles.';

    it('refuse in chat', async () => {
      const r = await handle(msg('!deploy web'));
      expect(r?.message.tone).toBe('failure');
      expect(r?.message.text).toBe(refusal);
    });

    it('refuse /api/v1/aliasexecution and match_and_execute with the same message (403), running nothing', async () => {
      const before = await count();
      const one = await api('opal', 'POST', '/api/v1/aliasexecution', {
        name: 'deploy',
        format: 'deploy {{ message }}',
        command: 'deploy web',
        source_channel: 'C-ops',
      });
      expect(one.status).toBe(403);
      expect(one.body).toEqual({ faultstring: refusal, code: 'SQ_FORBIDDEN' });
      const matched = await api('opal', 'POST', '/api/v1/aliasexecution/match_and_execute', {
        command: 'deploy web',
        source_channel: 'C-ops',
      });
      expect(matched.status).toBe(403);
      expect(matched.body).toEqual({ faultstring: refusal, code: 'SQ_FORBIDDEN' });
      expect(await count()).toBe(before);
    });

    it('let the roles they name through, in chat and by the API', async () => {
      expect((await handle(msg('!deploy web', { user: 'U-ada' })))?.message.text).toMatch(/On it: core\.echo/);
      const r = await api('ada', 'POST', '/api/v1/aliasexecution/match_and_execute', {
        command: 'deploy web',
        source_channel: 'C-ops',
      });
      expect(r.status).toBe(201);
    });
  });

  describe("an alias's channels", () => {
    const refusal =
      'You (opal) are not allowed to run "restart service" here: alias ops.restart is not available in this channel.';

    it('bind in chat and for the API source_channel alike', async () => {
      expect((await handle(msg('!restart service')))?.message.text).toBe(refusal);
      const elsewhere = await api('opal', 'POST', '/api/v1/aliasexecution', {
        name: 'ops.restart',
        format: 'restart service',
        command: 'restart service',
        source_channel: 'C-ops',
      });
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.body.faultstring).toBe(refusal);
      const there = await api('opal', 'POST', '/api/v1/aliasexecution/match_and_execute', {
        command: 'restart service',
        source_channel: 'C-prod',
      });
      expect(there.status).toBe(201);
      expect((await handle(msg('!restart service', { channel: 'C-prod' })))?.message.text).toMatch(/On it/);
    });
  });

  describe("a role's action deny list (auth.roles.operator.actions.deny)", () => {
    const denied =
      /^User "opal" \(roles: operator\) may not run action "core\.local": role operator denies it \(auth\.roles\.operator\.actions\.deny: "core\.local\*"\)$/;

    it('refuses POST /api/v1/executions with 403 naming the action and role, storing nothing', async () => {
      const before = await count();
      const r = await api('opal', 'POST', '/api/v1/executions', { action: 'core.local', parameters: { cmd: 'id' } });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('SQ_FORBIDDEN');
      expect(String(r.body.faultstring)).toMatch(denied);
      expect(await count()).toBe(before);
      expect((await api('opal', 'POST', '/api/v1/executions', { action: 'core.noop' })).status).toBe(201);
      const admin = await api('ada', 'POST', '/api/v1/executions', {
        action: 'core.local',
        parameters: { cmd: 'true' },
      });
      expect(admin.status).toBe(201);
    });

    it("refuses an operator's re-run of an admin's core.local execution", async () => {
      const mine = await api('ada', 'POST', '/api/v1/executions', {
        action: 'core.local',
        parameters: { cmd: 'true' },
      });
      const r = await api('opal', 'POST', `/api/v1/executions/${String(mine.body.id)}/re_run`, {});
      expect(r.status).toBe(403);
      expect(String(r.body.faultstring)).toMatch(denied);
    });

    it('refuses an alias for the action by the API and in chat, with the same message', async () => {
      const before = await count();
      const r = await api('opal', 'POST', '/api/v1/aliasexecution', {
        name: 'run',
        format: 'run {{ cmd }}',
        command: 'run id',
        source_channel: 'C-ops',
      });
      expect(r.status).toBe(403);
      expect(String(r.body.faultstring)).toMatch(denied);
      const m = await api('opal', 'POST', '/api/v1/aliasexecution/match_and_execute', {
        command: 'run id',
        source_channel: 'C-ops',
      });
      expect(m.status).toBe(403);
      expect(String(m.body.faultstring)).toMatch(denied);
      const chat = await handle(msg('!run id'));
      expect(chat?.message.tone).toBe('failure');
      expect(chat?.message.text).toMatch(denied);
      expect(await count()).toBe(before);
      expect((await handle(msg('!run true', { user: 'U-ada' })))?.message.text).toMatch(/Running `true`/);
    });

    it('leaves the commands of denied actions out of !help for that role only', async () => {
      const mine = (await handle(msg('!help')))?.message.text ?? '';
      expect(mine).toMatch(/echo/);
      expect(mine).not.toMatch(/run <command>/);
      const admins = (await handle(msg('!help', { user: 'U-ada' })))?.message.text ?? '';
      expect(admins).toMatch(/run <command>/);
    });
  });
});
