import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { tempDir } from '../../../bench/bench-util.js';
import type { SquallOptions } from '../../../engine/config/config-schema.js';
import { silentLogger } from '../../../engine/logger.js';
import { CHAT_POST_QUEUE } from '../../../engine/runners/chat-post-runner.js';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';

const slackConfig = (apiUrl: string) => ({
  bot_token: 'xoxb-posts',
  signing_secret: 'posts-secret',
  api_url: apiUrl,
  mode: 'http' as const,
  bot_user_id: 'UBOT',
  bot_id: 'BBOT',
  min_interval_ms: 0,
  retry_base_ms: 20,
  retry_max_ms: 200,
});

function config(fake: FakeSlack | undefined, extra: SquallOptions = {}): SquallOptions {
  return {
    api: { port: 0 },
    log: { level: 'silent' },
    chat: { shell: false, ...(fake ? { slack: slackConfig(fake.apiUrl) } : {}) },
    ...extra,
  };
}

async function run(s: RunningServer, action: string, parameters: Record<string, unknown>) {
  const e = await s.core.executions.request({ action, parameters, context: { user: 'admin' } });
  const done = await s.core.executions.waitForTerminal(e.id, 15_000);
  if (!done) throw new Error('the execution did not end');
  return done;
}

describe('chatops.post_message and chatops.post_result through the bot', () => {
  const dir = tempDir('squall-chat-posts-');
  let fake: FakeSlack;
  let s: RunningServer;

  beforeAll(async () => {
    fake = await FakeSlack.start();
    s = await startServer({ dataDir: dir.path, config: config(fake), logger: silentLogger });
  });
  afterAll(async () => {
    await s.close();
    await fake.close();
    dir.remove();
  });

  it('posts the message in the channel (route defaults to the one configured platform) and succeeds', async () => {
    const e = await run(s, 'chatops.post_message', { message: 'disk full on db1', channel: 'C-alerts' });
    expect(e.status).toBe('succeeded');
    expect(e.result).toMatchObject({ posted: true, route: 'slack', channel: 'C-alerts' });
    const call = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C-alerts');
    expect(JSON.stringify(call.args)).toContain('disk full on db1');
    expect(await s.core.store.outbox.pending(CHAT_POST_QUEUE)).toEqual([]);
  });

  it('posts in a thread, and whispers to one user as an ephemeral message', async () => {
    await run(s, 'chatops.post_message', { message: 'in thread', channel: 'C-t', thread: '111.222' });
    const t = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C-t');
    expect(t.args.thread_ts).toBe('111.222');
    const w = await run(s, 'chatops.post_message', {
      message: 'only you',
      channel: 'C-w',
      user: 'U-bob',
      whisper: true,
    });
    expect(w.status).toBe('succeeded');
    const eph = await fake.waitFor((c) => c.method === 'chat.postEphemeral' && c.args.channel === 'C-w');
    expect(eph.args.user).toBe('U-bob');
  });

  it('fails, naming the configured routes, when the route names a platform that is not configured', async () => {
    const e = await run(s, 'chatops.post_message', { message: 'x', channel: 'C1', route: 'teams' });
    expect(e.status).toBe('failed');
    expect(String(e.result?.error)).toContain('no teams platform is configured here; configured: slack, terminal');
    const u = await run(s, 'chatops.post_message', { message: 'x', channel: 'C1', route: 'irc' });
    expect(u.status).toBe('failed');
    expect(String(u.result?.error)).toMatch(/unknown route "irc"; routes: slack, teams/);
  });

  it('fails when Slack refuses the message for good, with Slack’s reason', async () => {
    fake.fail('chat.postMessage', { error: 'channel_not_found' }, 1, (a) => a.channel === 'C-gone');
    const e = await run(s, 'chatops.post_message', { message: 'x', channel: 'C-gone' });
    expect(e.status).toBe('failed');
    expect(String(e.result?.error)).toContain('channel_not_found');
  });

  it("posts another execution's result, formatted as chat results are", async () => {
    const echo = await run(s, 'core.local', { cmd: 'echo result-to-post' });
    const e = await run(s, 'chatops.post_result', { execution_id: echo.id, channel: 'C-res' });
    expect(e.status).toBe('succeeded');
    const call = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C-res');
    const text = JSON.stringify(call.args);
    expect(text).toContain('result-to-post');
    expect(text).toContain('core.local succeeded');
    const missing = await run(s, 'chatops.post_result', { execution_id: 'ffffffffffffffffffffffff', channel: 'C-res' });
    expect(missing.status).toBe('failed');
  });
});

describe('chatops.post_message without the platform, and across a bot restart', () => {
  it('fails when no chat platform is configured and the route names one', async () => {
    const dir = tempDir('squall-chat-posts-none-');
    const s = await startServer({ dataDir: dir.path, config: config(undefined), logger: silentLogger });
    try {
      const e = await run(s, 'chatops.post_message', { message: 'x', channel: 'C1', route: 'slack' });
      expect(e.status).toBe('failed');
      expect(String(e.result?.error)).toContain('no slack platform is configured here; configured: terminal');
    } finally {
      await s.close();
      dir.remove();
    }
  });

  it('keeps a post accepted while Slack is down across a restart, and posts it once when Slack is back', async () => {
    const dir = tempDir('squall-chat-posts-restart-');
    const fake = await FakeSlack.start();
    try {
      fake.down();
      const first = await startServer({ dataDir: dir.path, config: config(fake), logger: silentLogger });
      const e = await run(first, 'chatops.post_message', { message: 'survives restarts', channel: 'C-later' });
      await first.close();
      expect(e.status).toBe('succeeded');
      expect(e.result).toMatchObject({ posted: false, queued: true });

      fake.up();
      const second = await startServer({ dataDir: dir.path, config: config(fake), logger: silentLogger });
      try {
        const call = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C-later', 15_000);
        expect(JSON.stringify(call.args)).toContain('survives restarts');
        await expect.poll(() => second.core.store.outbox.pending(CHAT_POST_QUEUE), { timeout: 10_000 }).toEqual([]);
        // The restored Slack outbox item and the stored post's redelivery are one message.
        expect(fake.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'C-later')).toHaveLength(
          1,
        );
      } finally {
        await second.close();
      }
    } finally {
      await fake.close();
      dir.remove();
    }
  });
});
