import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';
import { cardSubmit, channelMessage, personalMessage, postActivity } from '../../fakes/bot-framework/activities.js';
import { activityText, FakeConnector } from '../../fakes/bot-framework/fake-connector.js';
import { openStore, tempDir } from '../slack/slack-harness.js';
import { TeamsHarness } from './teams-harness.js';

describe('Teams adapter (botbuilder CloudAdapter) against a fake Bot Framework connector', () => {
  const dir = tempDir();
  let fake: FakeConnector;
  let store: Store;
  let h: TeamsHarness;

  beforeEach(async () => {
    fake = await FakeConnector.start();
    store = await openStore(dir.path);
    h = await new TeamsHarness(store).start();
  });
  afterEach(async () => {
    await h.stop();
    await store.close();
    await fake.close();
  });

  it('takes a channel command by @mention, strips the mention and acks in its reply chain', async () => {
    const a = channelMessage({ serviceUrl: fake.url, text: 'run echo&nbsp;hi', id: 'm-100' });
    const res = await postActivity(h.endpoint, a);
    expect(res.status).toBe(200);
    expect(h.received[0]).toMatchObject({ platform: 'teams', text: 'run echo hi', mentioned: true, direct: false });
    expect(h.received[0]?.user).toBe('aad-alice');
    const ack = await fake.waitFor((c) => c.verb === 'POST');
    expect(ack.conversationId).toBe('19:chan@thread.tacv2;messageid=1');
    expect(ack.activityId).toBe('m-100');
    expect(ack.body.text).toBe('ack: run echo hi');
  });

  it('takes a personal chat message without a mention as a direct message', async () => {
    await postActivity(h.endpoint, personalMessage({ serviceUrl: fake.url, text: 'help' }));
    expect(h.received[0]).toMatchObject({ text: 'help', mentioned: false, direct: true, channel: 'a:personal-alice' });
    const ack = await fake.waitFor((c) => c.verb === 'POST');
    expect(ack.conversationId).toBe('a:personal-alice');
  });

  it('runs a redelivered Activity once', async () => {
    const a = channelMessage({ serviceUrl: fake.url, text: 'status', id: 'm-dup' });
    await postActivity(h.endpoint, a);
    await postActivity(h.endpoint, a);
    expect(h.received).toHaveLength(1);
  });

  it('renders results as an Adaptive Card with a text fallback, unicode intact, and edits them', async () => {
    await postActivity(h.endpoint, channelMessage({ serviceUrl: fake.url, text: 'x', id: 'm-200' }));
    await fake.waitFor((c) => c.verb === 'POST');
    const ref = await h.adapter.post(
      { platform: 'teams', channel: '19:chan@thread.tacv2;messageid=1', thread: 'm-200' },
      {
        title: 'core.local succeeded',
        tone: 'success',
        text: '',
        code: 'héllo wörld 🚀 — 日本語',
        buttons: [{ id: 'approve', label: 'Approve', value: 'ex-1', style: 'primary' }],
      },
    );
    const call = fake.calls.find((c) => c.id === ref.id);
    expect(call?.activityId).toBe('m-200');
    const attachments = call?.body.attachments as { contentType: string; content: Record<string, unknown> }[];
    expect(attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(attachments[0]?.content)).toContain('日本語 '.trim());
    expect(JSON.stringify(attachments[0]?.content)).toContain('Action.Submit');
    expect(String(call?.body.text)).toContain('🚀');
    await h.adapter.update(ref, { text: 'edited' });
    const put = await fake.waitFor((c) => c.verb === 'PUT');
    expect(put.activityId).toBe(ref.id);
    expect(put.body.text).toBe('edited');
  });

  it('keeps long output under the message budget, with its last lines', async () => {
    await postActivity(h.endpoint, channelMessage({ serviceUrl: fake.url, text: 'x' }));
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ünïcödé`).join('\n');
    const ref = await h.adapter.post(
      { platform: 'teams', channel: '19:chan@thread.tacv2;messageid=1' },
      { title: 'done', text: '', code: lines },
    );
    const call = fake.calls.find((c) => c.id === ref.id);
    expect(JSON.stringify(call?.body).length).toBeLessThan(40_000);
    expect(activityText(call?.body ?? {})).toContain('line 4999 ünïcödé');
    expect(activityText(call?.body ?? {})).toContain('output cut');
  });

  it('sends a message Teams refuses as too large (413) again as text', async () => {
    await postActivity(h.endpoint, channelMessage({ serviceUrl: fake.url, text: 'x' }));
    fake.maxBytes = 3000;
    const ref = await h.adapter.post(
      { platform: 'teams', channel: '19:chan@thread.tacv2;messageid=1' },
      { title: 'done', text: 'result', code: 'y'.repeat(8000) },
    );
    expect(fake.calls.some((c) => c.status === 413)).toBe(true);
    const call = fake.calls.find((c) => c.id === ref.id);
    expect(call?.body.attachments).toBeUndefined();
  });

  it('waits out a 429 with Retry-After and delivers', async () => {
    await postActivity(h.endpoint, channelMessage({ serviceUrl: fake.url, text: 'x' }));
    await fake.waitFor((c) => c.verb === 'POST');
    fake.fail('POST', { status: 429, retryAfter: 1 }, 1);
    await h.adapter.post({ platform: 'teams', channel: '19:chan@thread.tacv2;messageid=1' }, { text: 'after 429' });
    expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(1);
    expect(fake.accepted.some((c) => c.body.text === 'after 429')).toBe(true);
  });

  it('passes a card button click to onAction with who clicked', async () => {
    await postActivity(
      h.endpoint,
      cardSubmit({ serviceUrl: fake.url, replyToId: 'act-9', value: { squall_action: 'approve', value: 'ex-1' } }),
    );
    expect(h.actions).toEqual([
      {
        platform: 'teams',
        channel: '19:chan@thread.tacv2;messageid=1',
        user: 'aad-alice',
        actionId: 'approve',
        value: 'ex-1',
        messageRef: { platform: 'teams', channel: '19:chan@thread.tacv2;messageid=1', id: 'act-9' },
      },
    ]);
  });

  it('delivers after a restart what was queued while the connector was down', async () => {
    await postActivity(h.endpoint, channelMessage({ serviceUrl: fake.url, text: 'x' }));
    await fake.waitFor((c) => c.verb === 'POST' && c.status === 201);
    fake.fail('POST', { status: 503 }, 1000);
    const pending = h.adapter.post(
      { platform: 'teams', channel: '19:chan@thread.tacv2;messageid=1' },
      { text: 'owed result' },
      { key: 'result:e1:chat' },
    );
    await fake.waitFor((c) => c.status === 503);
    await h.stop();
    await expect(pending).rejects.toThrow(/stays queued/);
    fake.heal();
    // A new adapter on the same store: the queued result and the conversation reference survived.
    h = await new TeamsHarness(store).start();
    const got = await fake.waitFor((c) => c.body.text === 'owed result' && c.status === 201);
    expect(got.status).toBe(201);
  });
});
