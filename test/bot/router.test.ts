import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../app/start-server.js';
import { tempDir } from '../../bench/bench-util.js';
import type { ChatMessage } from '../../bot/chat-adapter.js';
import { silentLogger } from '../../engine/logger.js';
import type { ActionAlias } from '../../engine/model/alias.js';
import { buildAlias } from '../../engine/packs/kinds/alias-kind.js';

function msg(text: string, over: Partial<ChatMessage> = {}): ChatMessage {
  return { platform: 'slack', channel: 'C-ops', user: 'U-alice', text, mentioned: false, direct: false, ...over };
}

describe('chat router', () => {
  const dir = tempDir('squall-router-');
  let s: RunningServer;

  async function addAlias(pack: string, def: Record<string, unknown>): Promise<ActionAlias> {
    const { alias, problems } = buildAlias(def, { pack, metadataFile: 'test' });
    if (!alias) throw new Error(JSON.stringify(problems));
    const saved = await s.core.store.aliases.upsert(alias);
    await s.chat!.catalog.refresh();
    return saved;
  }
  const handle = (m: ChatMessage) => s.chat!.router.handle(m);

  beforeAll(async () => {
    s = await startServer({
      dataDir: dir.path,
      config: {
        api: { port: 0 },
        log: { level: 'silent' },
        chat: { shell: false, users: { slack: { 'U-alice': 'alice', 'U-vic': 'victor' } } },
      },
      logger: silentLogger,
    });
    await s.core.auth.createUser('alice', 'alice-password-1', ['operator']);
    await s.core.auth.createUser('victor', 'victor-password-1', ['viewer']);
    await s.core.auth.createUser('bob', 'bob-password-12', ['operator']);
    await s.core.store.users.update('bob', { nicknames: { slack: 'U-bob' } });
    await addAlias('ops', {
      name: 'deploy',
      action_ref: 'core.noop',
      formats: ['deploy {{ app }}'],
      permissions: { roles: ['admin'] },
    });
    await addAlias('ops', {
      name: 'restart',
      action_ref: 'core.noop',
      formats: ['restart service'],
      channels: ['C-prod', 'dm'],
    });
    await addAlias('one', { name: 'status', action_ref: 'core.noop', formats: ['status report'] });
    await addAlias('two', { name: 'status', action_ref: 'core.noop', formats: ['status report'] });
    await addAlias('ops', {
      name: 'badack',
      action_ref: 'core.noop',
      formats: ['broken ack'],
      ack: { format: '{{ execution.nope.deeper }}' },
    });
    await addAlias('ops', {
      name: 'pinned',
      action_ref: 'core.local',
      formats: ['pinned {{ cmd }}'],
      immutable_parameters: { timeout: 5 },
    });
  });
  afterAll(async () => {
    await s.close();
    dir.remove();
  });

  it('ignores messages not addressed to the bot', async () => {
    expect(await handle(msg('run date'))).toBeUndefined();
    expect(await handle(msg('please !run date'))).toBeUndefined();
  });

  it('accepts the prefix, a mention or a direct message', async () => {
    for (const m of [
      msg('!run true'),
      msg('! run true'),
      msg('run true', { mentioned: true }),
      msg('run true', { direct: true }),
    ]) {
      const r = await handle(m);
      expect(r?.message.text).toMatch(/Running `true` \(execution [0-9a-f]{24}\)/);
    }
  });

  it('runs as the mapped Squall user and records where the command came from', async () => {
    const r = await handle(msg('!run echo mapped', { thread: '171.5' }));
    const id = /execution ([0-9a-f]{24})/.exec(r!.message.text)![1]!;
    const e = await s.core.store.executions.get(id);
    expect(e?.context.user).toBe('alice');
    expect(e?.context.api_user).toBe('U-alice');
    expect(e?.context.chat).toMatchObject({ platform: 'slack', channel: 'C-ops', thread: '171.5', user: 'U-alice' });
    expect(e?.notify?.['on-complete']?.routes).toEqual(['chat']);
  });

  it('maps users by stored nickname too', async () => {
    const r = await handle(msg('!run echo nick', { user: 'U-bob' }));
    const id = /execution ([0-9a-f]{24})/.exec(r!.message.text)![1]!;
    expect((await s.core.store.executions.get(id))?.context.user).toBe('bob');
  });

  it('maps users by the e-mail the platform vouched for', async () => {
    await s.core.auth.createUser('carol@example.com', 'carol-password-1', ['operator']);
    const r = await handle(msg('!run echo mail', { user: 'U-carol', userEmail: 'Carol@Example.com' }));
    const id = /execution ([0-9a-f]{24})/.exec(r!.message.text)![1]!;
    expect((await s.core.store.executions.get(id))?.context.user).toBe('carol@example.com');
  });

  it('refuses unknown chat users politely (default role none)', async () => {
    const r = await handle(msg('!run date', { user: 'U-stranger' }));
    expect(r?.message.text).toMatch(/don't know you.*U-stranger/);
  });

  it('lets viewers read help but not run', async () => {
    const run = await handle(msg('!run date', { user: 'U-vic' }));
    expect(run?.message.text).toMatch(/victor.*can read but not run/);
    const help = await handle(msg('!help', { user: 'U-vic' }));
    expect(help?.message.text).toMatch(/run <command>/);
  });

  it('answers an unknown command with the closest ones, never silence', async () => {
    const r = await handle(msg('!rnu date'));
    expect(r?.message.text).toMatch(/I don't know "rnu date"/);
    expect(r?.message.text).toMatch(/!run/);
  });

  it('refuses a command longer than the maximum, naming the limit', async () => {
    const r = await handle(msg(`!run ${'x on '.repeat(2000)}`));
    expect(r?.message.tone).toBe('failure');
    expect(r?.message.text).toMatch(/at most 8192 characters/);
  });

  it("checks an alias's permissions and hides it from help", async () => {
    const r = await handle(msg('!deploy web'));
    expect(r?.message.text).toMatch(/alice.*not allowed/);
    const help = await handle(msg('!help'));
    expect(help?.message.text).not.toMatch(/deploy/);
  });

  it("checks an alias's channels, with dm for direct messages", async () => {
    expect((await handle(msg('!restart service')))?.message.text).toMatch(/not allowed/);
    expect((await handle(msg('!restart service', { channel: 'C-prod' })))?.message.text).toMatch(/On it: core\.noop/);
    expect((await handle(msg('restart service', { channel: 'D1', direct: true })))?.message.text).toMatch(
      /On it: core\.noop/,
    );
  });

  it('lists the candidates of an exact tie', async () => {
    const r = await handle(msg('!status report'));
    expect(r?.message.text).toMatch(/more than one/);
    expect(r?.message.text).toMatch(/one\.status/);
    expect(r?.message.text).toMatch(/two\.status/);
  });

  it('gives a plain line when an ack template fails, and still runs the command', async () => {
    const r = await handle(msg('!broken ack'));
    expect(r?.message.text).toMatch(/On it: core\.noop, execution [0-9a-f]{24}.*could not be rendered/);
    expect(r?.message.text).not.toMatch(/at |stack|Error:/);
  });

  it('refuses to let chat override an immutable parameter, naming it', async () => {
    const r = await handle(msg('!pinned date timeout=99'));
    expect(r?.message.text).toMatch(/Immutable arguments cannot be overridden: timeout/);
  });

  it('names the parameter when a value has the wrong type', async () => {
    const r = await handle(msg('!run date timeout=soon'));
    expect(r?.message.tone).toBe('failure');
    expect(r?.message.text).toMatch(/timeout/);
  });

  it('lets chat set only parameters the action declares, not inherited runner parameters', async () => {
    // core.echo declares only `message`; `env` is a runner parameter of local-shell-script.
    const r = await handle(msg('!echo hi env={"BASH_ENV":"/tmp/x"}'));
    expect(r?.message.tone).toBe('failure');
    expect(r?.message.text).toMatch(/env: cannot be set from chat/);
    const ok = await handle(msg('!run date timeout=30'));
    expect(ok?.message.text).toMatch(/Running `date`/);
  });

  it('explains one alias with !help <command>', async () => {
    const r = await handle(msg('!help run'));
    expect(r?.message.text).toMatch(/run/);
    expect(r?.message.text).toMatch(/cmd/);
  });
});
