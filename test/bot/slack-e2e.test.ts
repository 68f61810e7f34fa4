import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../app/start-server.js';
import { tempDir } from '../../bench/bench-util.js';
import { readCredentials } from '../../engine/auth/credentials.js';
import { silentLogger } from '../../engine/logger.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';
import { nextTs, SlackRequests } from '../fakes/slack/slack-requests.js';

const SECRET = 'e2e-signing-secret';

/**
 * The whole ChatOps round trip on Slack: a signed Events API request reaches Squall's own HTTP port
 * at /slack/events, the router runs the alias, the ack lands in the message's thread at the fake
 * Slack, and the result follows in the same thread.
 */
describe('Slack end to end through squall start', () => {
  const dir = tempDir('squall-slack-e2e-');
  let fake: FakeSlack;
  let s: RunningServer;
  let slack: SlackRequests;

  beforeAll(async () => {
    fake = await FakeSlack.start();
    s = await startServer({
      dataDir: dir.path,
      config: {
        api: { port: 0 },
        log: { level: 'silent' },
        chat: {
          shell: false,
          progress_every: 1,
          users: { slack: { 'U-alice': 'alice' } },
          slack: {
            bot_token: 'xoxb-e2e',
            signing_secret: SECRET,
            api_url: fake.apiUrl,
            mode: 'http',
            bot_user_id: 'UBOT',
            bot_id: 'BBOT',
            min_interval_ms: 0,
            retry_base_ms: 20,
            retry_max_ms: 200,
          },
        },
      },
      logger: silentLogger,
    });
    await s.core.auth.createUser('alice', 'alice-password-1', ['operator']);
    slack = new SlackRequests(`${s.url}/slack/events`, SECRET);
  });
  afterAll(async () => {
    await s.close();
    await fake.close();
    dir.remove();
  });

  it('answers a mention with an ack and the result in the same thread', async () => {
    const ts = nextTs();
    const res = await slack.event({
      type: 'app_mention',
      user: 'U-alice',
      channel: 'C1',
      text: '<@UBOT> run echo from-slack',
      ts,
    });
    expect(res.status).toBe(200);
    const ack = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && String(c.args.text).includes('Running `echo from-slack`'),
    );
    expect(ack.args.channel).toBe('C1');
    expect(ack.args.thread_ts).toBe(ts);
    const result = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && JSON.stringify(c.args).includes('core.local succeeded'),
      15_000,
    );
    expect(result.args.thread_ts).toBe(ts);
    expect(JSON.stringify(result.args)).toContain('from-slack');
  });

  it('refuses a bad signature without running anything', async () => {
    const before = (await s.core.store.executions.list({ limit: 1 })).total;
    const bad = new SlackRequests(`${s.url}/slack/events`, 'wrong-secret');
    const res = await bad.event({
      type: 'app_mention',
      user: 'U-alice',
      channel: 'C1',
      text: '<@UBOT> run echo nope',
      ts: nextTs(),
    });
    expect(res.status).toBe(401);
    expect((await s.core.store.executions.list({ limit: 1 })).total).toBe(before);
  });

  it('gives up a result Slack refuses for good (not_in_channel) after one attempt, with the reason on the execution (issue 9, defect 4)', async () => {
    const refused = (args: Record<string, unknown>) =>
      args.channel === 'C-locked' && JSON.stringify(args).includes('core.local succeeded');
    fake.fail('chat.postMessage', { error: 'not_in_channel' }, 1000, refused);
    await slack.event({
      type: 'app_mention',
      user: 'U-alice',
      channel: 'C-locked',
      text: '<@UBOT> run echo locked-out',
      ts: nextTs(),
    });
    const findExecution = async () =>
      (await s.core.store.executions.list({ limit: 20 })).items.find((e) =>
        JSON.stringify(e.parameters).includes('locked-out'),
      );
    let delivery: unknown;
    await expect
      .poll(
        async () => {
          delivery = (await findExecution())?.context.chat_delivery;
          return delivery;
        },
        { timeout: 15_000 },
      )
      .toBeDefined();
    expect(delivery).toMatchObject({ status: 'given_up', channel: 'C-locked', platform: 'slack' });
    expect(String((delivery as { reason: string }).reason)).toContain('not_in_channel');
    const id = (await findExecution())?.id ?? '';
    expect((await s.core.store.owedResults.list()).map((o) => o.execution_id)).not.toContain(id);
    // A later command's result is a barrier: any retry of the refused one would have gone out first.
    await slack.event({
      type: 'app_mention',
      user: 'U-alice',
      channel: 'C1',
      text: '<@UBOT> run echo after',
      ts: nextTs(),
    });
    await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'C1' && JSON.stringify(c.args).includes('after'),
      15_000,
    );
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage' && refused(c.args))).toHaveLength(1);
  });

  it('edits the ack (chat.update) with elapsed time and the latest output while the command runs', async () => {
    await slack.event({
      type: 'app_mention',
      user: 'U-alice',
      channel: 'C-progress',
      text: "<@UBOT> run printf 'out-%s\\n' one && sleep 3 && printf 'out-%s\\n' two",
      ts: nextTs(),
    });
    const progress = await fake.waitFor(
      (c) => c.method === 'chat.update' && JSON.stringify(c.args).includes('Still running after'),
      10_000,
    );
    expect(progress.args.channel).toBe('C-progress');
    expect(JSON.stringify(progress.args)).toContain('out-one');
    expect(JSON.stringify(progress.args)).not.toContain('out-two');
    const result = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && JSON.stringify(c.args).includes('out-two'),
      15_000,
    );
    const edits = fake.calls.filter((c) => c.method === 'chat.update' && c.args.ts === progress.args.ts);
    expect(edits.length).toBeLessThanOrEqual(4);
    for (const e of edits) expect(e.at).toBeLessThanOrEqual(result.at);
  }, 30_000);

  it('keeps the API on the same port', async () => {
    const res = await fetch(`${s.url}/health`);
    expect(res.status).toBe(200);
  });

  it('counts Slack messages in and out and the ack latency in /metrics', async () => {
    const key = (await readCredentials(dir.path))?.api_key ?? '';
    const text = await (await fetch(`${s.url}/metrics`, { headers: { 'St2-Api-Key': key } })).text();
    const value = (series: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.slice(series.length + 1) ?? Number.NaN,
      );
    expect(value('squall_chat_messages_received_total{platform="slack"}')).toBeGreaterThanOrEqual(1);
    expect(value('squall_chat_messages_sent_total{platform="slack"}')).toBeGreaterThanOrEqual(2);
    expect(value('squall_chat_ack_latency_seconds_count{platform="slack"}')).toBeGreaterThanOrEqual(1);
  });
});
