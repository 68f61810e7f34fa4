import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../app/start-server.js';
import { tempDir } from '../../bench/bench-util.js';
import { silentLogger } from '../../engine/logger.js';
import type { Inquiry } from '../../engine/model/inquiry.js';
import { FakeSlack, type FakeSlackCall } from '../fakes/slack/fake-slack.js';
import { nextTs, SlackRequests } from '../fakes/slack/slack-requests.js';
import { testConfig } from './slack/slack-harness.js';

const ASKTEST = fileURLToPath(new URL('../fixtures/workflow-packs/asktest/', import.meta.url));
const SECRET = 'inquiry-signing-secret';

/**
 * Approvals through Slack (its fake) and `squall start`: a workflow started from chat asks its
 * question in the thread with Approve/Reject buttons; a click by someone not allowed is refused and
 * changes nothing; a click by an allowed user records the answer, the question is edited to show
 * it (buttons gone), the workflow resumes and its result lands in the thread.
 */
describe('approvals in Slack', () => {
  const dir = tempDir('squall-inquiry-slack-');
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
        packs: { paths: [ASKTEST] },
        chat: {
          shell: false,
          progress_every: 0,
          users: { slack: { 'U-alice': 'alice', 'U-val': 'val', 'U-bob': 'bob' } },
          slack: { ...testConfig(fake), signing_secret: SECRET },
        },
      },
      logger: silentLogger,
    });
    await s.core.auth.createUser('alice', 'alice-password-1', ['operator']);
    await s.core.auth.createUser('bob', 'bob-password-1', ['operator']);
    await s.core.auth.createUser('val', 'val-password-1', ['viewer']);
    slack = new SlackRequests(`${s.url}/slack/events`, SECRET);
  });
  afterAll(async () => {
    await s.close();
    await fake.close();
    dir.remove();
  });

  const text = (c: FakeSlackCall) => JSON.stringify(c.args);

  /** Starts the approval workflow from a Slack mention; resolves with its question once posted. */
  async function ask(): Promise<{ ts: string; inquiry: Inquiry; question: FakeSlackCall }> {
    const ts = nextTs();
    await slack.event({
      type: 'app_mention',
      user: 'U-alice',
      channel: 'C1',
      text: '<@UBOT> deploy with approval',
      ts,
    });
    const question = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.thread_ts === ts && text(c).includes('Approval needed'),
      15_000,
    );
    const id = /inquiry ([0-9a-f]{24})/.exec(text(question))?.[1] ?? '';
    const inquiry = await expectPoll(async () => {
      const i = await s.core.store.inquiries.get(id);
      return i?.chat?.message ? i : undefined;
    });
    return { ts, inquiry, question };
  }

  async function expectPoll<T>(get: () => Promise<T | undefined>): Promise<T> {
    let v: T | undefined;
    await expect.poll(async () => (v = await get()), { timeout: 15_000 }).toBeDefined();
    return v as T;
  }

  const click = (user: string, actionId: string, inquiry: Inquiry, threadTs: string) =>
    slack.action({
      channel: 'C1',
      user,
      action_id: `squall:${actionId}`,
      value: inquiry.id,
      message_ts: String(inquiry.chat?.message?.id),
      thread_ts: threadTs,
    });

  it('posts the question with buttons, refuses a disallowed click, and resumes on an allowed one', async () => {
    const { ts, inquiry, question } = await ask();
    expect(text(question)).toContain('Deploy to production?');
    expect(text(question)).toContain('Who may answer: anyone allowed to respond to inquiries (operator or admin)');
    const blocks = JSON.stringify(question.args.blocks);
    expect(blocks).toContain('squall:inquiry.approve');
    expect(blocks).toContain('squall:inquiry.reject');
    const wf = inquiry.parent as string;
    await expect.poll(async () => (await s.core.store.executions.get(wf))?.status, { timeout: 15_000 }).toBe('paused');

    // A viewer may not answer: told so privately, nothing changes.
    expect((await click('U-val', 'inquiry.approve', inquiry, ts)).status).toBe(200);
    const refused = await fake.waitFor(
      (c) =>
        c.method === 'chat.postEphemeral' && c.args.user === 'U-val' && text(c).includes('does not have permission'),
      15_000,
    );
    expect(text(refused)).toContain('inquiry:respond');
    expect((await s.core.store.inquiries.get(inquiry.id))?.status).toBe('pending');
    expect((await s.core.store.executions.get(wf))?.status).toBe('paused');

    // An operator approves: recorded, the question edited to show it without buttons, the workflow ends.
    await click('U-bob', 'inquiry.approve', inquiry, ts);
    const edited = await fake.waitFor(
      (c) =>
        c.method === 'chat.update' && c.args.ts === inquiry.chat?.message?.id && text(c).includes('Approved by bob'),
      15_000,
    );
    expect(JSON.stringify(edited.args.blocks ?? [])).not.toContain('squall:inquiry');
    await expect
      .poll(async () => (await s.core.store.executions.get(wf))?.status, { timeout: 15_000 })
      .toBe('succeeded');
    expect((await s.core.store.executions.get(wf))?.result).toEqual({ output: { decision: 'approved' } });
    const result = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && c.args.thread_ts === ts && text(c).includes('asktest.approve succeeded'),
      15_000,
    );
    expect(result.args.channel).toBe('C1');
    expect(await s.core.store.inquiries.get(inquiry.id)).toMatchObject({ status: 'responded', responded_by: 'bob' });

    // A second click is refused politely.
    await click('U-alice', 'inquiry.reject', inquiry, ts);
    await fake.waitFor(
      (c) =>
        c.method === 'chat.postEphemeral' &&
        c.args.user === 'U-alice' &&
        text(c).includes('has already been responded to by bob'),
      15_000,
    );
  });

  it('takes a typed answer too: reject, with the workflow resuming down the rejected path', async () => {
    const { ts, inquiry } = await ask();
    await slack.event({
      type: 'app_mention',
      user: 'U-alice',
      channel: 'C1',
      text: `<@UBOT> reject ${inquiry.id}`,
      ts: nextTs(),
      thread_ts: ts,
    });
    await fake.waitFor(
      (c) =>
        c.method === 'chat.update' && c.args.ts === inquiry.chat?.message?.id && text(c).includes('Rejected by alice'),
      15_000,
    );
    const wf = inquiry.parent as string;
    await expect
      .poll(async () => (await s.core.store.executions.get(wf))?.status, { timeout: 15_000 })
      .toBe('succeeded');
    expect((await s.core.store.executions.get(wf))?.result).toEqual({ output: { decision: 'rejected' } });
  });

  it('refuses a typed respond that does not match the schema, naming the problem', async () => {
    const { ts, inquiry } = await ask();
    await slack.event({
      type: 'app_mention',
      user: 'U-alice',
      channel: 'C1',
      text: `<@UBOT> respond ${inquiry.id} {"approved": "maybe"}`,
      ts: nextTs(),
      thread_ts: ts,
    });
    await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        text(c).includes('did not pass schema validation: approved: must be boolean'),
      15_000,
    );
    expect((await s.core.store.inquiries.get(inquiry.id))?.status).toBe('pending');
    await slack.event({
      type: 'app_mention',
      user: 'U-alice',
      channel: 'C1',
      text: `<@UBOT> respond ${inquiry.id} {"approved": true, "reason": "looks good"}`,
      ts: nextTs(),
      thread_ts: ts,
    });
    await fake.waitFor((c) => c.method === 'chat.update' && text(c).includes('Approved by alice'), 15_000);
  });
});
