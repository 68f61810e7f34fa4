import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatTarget } from '../../../bot/chat-adapter.js';
import type { Store } from '../../../engine/store/store.js';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';
import { HttpHarness, openStore, tempDir } from './slack-harness.js';

const C1: ChatTarget = { platform: 'slack', channel: 'C1', thread: '1700.1' };

describe('Slack adapter delivery: outbox, rate limits, outages, restarts, long output', () => {
  let fake: FakeSlack;
  let store: Store;
  let dir: ReturnType<typeof tempDir>;
  let harnesses: HttpHarness[];

  const start = async (over = {}) => {
    const h = await new HttpHarness(fake, store).start(over);
    harnesses.push(h);
    return h;
  };
  const texts = () => fake.ok('chat.postMessage').map((c) => c.args.text);

  beforeEach(async () => {
    dir = tempDir();
    fake = await FakeSlack.start();
    store = await openStore(dir.path);
    harnesses = [];
  });

  afterEach(async () => {
    for (const h of harnesses) await h.stop();
    await store.close();
    await fake.close();
    dir.remove();
  });

  it('waits out a 429 for as long as Retry-After says and keeps the order of the queued replies', async () => {
    const h = await start();
    fake.fail('chat.postMessage', { status: 429, retryAfter: 1 });
    const refs = await Promise.all(['one', 'two', 'three'].map((t) => h.adapter.post(C1, { text: t })));
    expect(texts()).toEqual(['one', 'two', 'three']);
    const attempts = fake.calls.filter((c) => c.method === 'chat.postMessage');
    expect(attempts.map((c) => c.status)).toEqual([429, 200, 200, 200]);
    const [limited, retried] = attempts;
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(new Set(refs.map((r) => r.id)).size).toBe(3);
  });

  it('spaces messages to one channel after the burst, and does not hold back other channels', async () => {
    const h = await start({ min_interval_ms: 300, burst: 1 });
    await Promise.all([
      ...['a1', 'a2', 'a3'].map((t) => h.adapter.post({ platform: 'slack', channel: 'CA' }, { text: t })),
      h.adapter.post({ platform: 'slack', channel: 'CB' }, { text: 'b1' }),
    ]);
    const a = fake.ok('chat.postMessage').filter((c) => c.args.channel === 'CA');
    expect(a.map((c) => c.args.text)).toEqual(['a1', 'a2', 'a3']);
    // Spacing is measured where the fake receives the posts: a loaded machine delays one arrival more
    // than the next, so the bound is well below the 300 ms interval but far above an unspaced burst.
    expect((a[1]?.at ?? 0) - (a[0]?.at ?? 0)).toBeGreaterThanOrEqual(200);
    expect((a[2]?.at ?? 0) - (a[1]?.at ?? 0)).toBeGreaterThanOrEqual(200);
    const b = fake.ok('chat.postMessage').find((c) => c.args.channel === 'CB');
    // CB's message did not queue behind CA's spacing.
    expect(b?.at ?? Infinity).toBeLessThan(a[2]?.at ?? 0);
  });

  it('rides out a Slack outage during a result (500s, a cut connection, then down) and posts it exactly once', async () => {
    const h = await start();
    fake.fail('chat.postMessage', { status: 500 }, 2);
    fake.fail('chat.postMessage', { close: true });
    const first = h.adapter.post(C1, { text: 'result of X', tone: 'success' });
    await first;
    expect(texts()).toEqual([':white_check_mark: result of X']);
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status)).toEqual([500, 500, 0, 200]);

    fake.down();
    const second = h.adapter.post(C1, { text: 'second result' });
    await new Promise((r) => setTimeout(r, 300));
    expect(texts()).toHaveLength(1);
    fake.up();
    await second;
    expect(texts()).toEqual([':white_check_mark: result of X', 'second result']);
  });

  it('treats a message re-sent with the key of one still queued as the same message', async () => {
    const h = await start();
    fake.down();
    const a = h.adapter.post(C1, { text: 'result for execution X' }, { key: 'result:X' });
    const b = h.adapter.post(C1, { text: 'result for execution X' }, { key: 'result:X' });
    await expect.poll(async () => (await store.outbox.pending('slack:')).length).toBe(1);
    fake.up();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra).toEqual(rb);
    expect(texts()).toEqual(['result for execution X']);
  });

  it('delivers replies queued before a restart, in order, from the SQLite file', async () => {
    const h = await start();
    fake.down();
    const lost = ['first', 'second', 'third'].map((t) => h.adapter.post(C1, { text: t }).catch((e: unknown) => e));
    await expect.poll(async () => (await store.outbox.pending('slack:C1')).length).toBe(3);
    await h.stop();
    harnesses = [];
    const stopped = await Promise.all(lost);
    expect(stopped.every((e) => (e as { code?: string }).code === 'SQ_CHAT_UNAVAILABLE')).toBe(true);
    await store.close();
    expect(texts()).toEqual([]);

    // A new process: the same file, a new store and a new adapter.
    fake.up();
    store = await openStore(dir.path);
    await start();
    await fake.waitForCount('chat.postMessage', 3);
    expect(texts()).toEqual(['first', 'second', 'third']);
    await expect.poll(async () => (await store.outbox.pending('slack:')).length).toBe(0);
    expect(fake.ok('chat.postMessage').every((c) => c.args.thread_ts === '1700.1')).toBe(true);
  });

  it('posts every message exactly once when a second bot process starts while the first is mid-send', async () => {
    const a = await start();
    fake.down();
    const sending = ['first', 'second', 'third'].map((t) => a.adapter.post(C1, { text: t }));
    // Bot A is retrying them against the outage when bot B starts on the same store and restores.
    await expect.poll(async () => (await store.outbox.pending('slack:C1')).length).toBe(3);
    const b = await start();
    const fromB = b.adapter.post(C1, { text: 'from B' });
    fake.up();
    await Promise.all([...sending, fromB]);
    expect(texts().filter((t) => t !== 'from B')).toEqual(['first', 'second', 'third']);
    expect([...texts()].sort()).toEqual(['first', 'from B', 'second', 'third']);
    await expect.poll(async () => (await store.outbox.pending('slack:')).length).toBe(0);
  });

  it('drops a message Slack refuses for good, tells the caller, and sends the next one', async () => {
    const h = await start();
    fake.fail('chat.postMessage', { error: 'channel_not_found' });
    const refused = h.adapter.post(C1, { text: 'to nowhere' });
    const next = h.adapter.post(C1, { text: 'next' });
    await expect(refused).rejects.toMatchObject({
      code: 'SQ_CHAT_REFUSED',
      message: 'Slack refused the message: channel_not_found',
    });
    await next;
    expect(texts()).toEqual(['to nowhere', 'next']); // the first was answered ok:false
    expect(await store.outbox.pending('slack:')).toEqual([]);
  });

  it('sends the message again as plain text when Slack rejects its blocks', async () => {
    const h = await start();
    fake.fail('chat.postMessage', { error: 'invalid_blocks' });
    await h.adapter.post(C1, { text: 'fallback me', code: 'x' });
    const calls = fake.ok('chat.postMessage');
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args.blocks).toBeDefined();
    expect(calls[1]?.args.blocks).toBeUndefined();
    expect(calls[1]?.args.text).toBe('fallback me');
  });

  it('uploads output past upload_threshold as a file in the thread and shows the tail inline', async () => {
    const h = await start({ upload_threshold: 5000 });
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} <ok> & done`);
    const code = lines.join('\n');
    const ref = await h.adapter.post(C1, {
      title: 'core.local succeeded',
      text: 'Output below',
      tone: 'success',
      code,
    });
    const msg = fake.ok('chat.postMessage')[0];
    const blocks = JSON.stringify(msg?.args.blocks);
    expect(blocks.length).toBeLessThan(12_000);
    expect(blocks).toContain('line 1999 &lt;ok&gt; &amp; done');
    expect(blocks).not.toContain('line 5 &lt;ok&gt;');
    expect(fake.ok('files.getUploadURLExternal')).toHaveLength(1);
    const complete = fake.ok('files.completeUploadExternal')[0];
    expect(complete?.args).toMatchObject({ channel_id: 'C1', thread_ts: '1700.1' });
    const fileId = (complete?.args.files as { id: string }[] | undefined)?.[0]?.id ?? '';
    expect(fake.uploads.get(fileId)).toBe(code);
    expect(ref).toMatchObject({ channel: 'C1', thread: '1700.1', id: expect.stringMatching(/^\d+\.\d+$/) });
  });

  it('splits long unicode output over several sections without breaking characters', async () => {
    const h = await start();
    const code = '日本語のログ 🚀 émoji ✓\n'.repeat(400); // about 8,800 UTF-16 units
    await h.adapter.post(C1, { text: 'done', code });
    const blocks = fake.ok('chat.postMessage')[0]?.args.blocks as { type: string; text?: { text: string } }[];
    const sections = blocks.filter((b) => b.type === 'section' && b.text?.text.startsWith('```'));
    expect(sections.length).toBeGreaterThan(2);
    for (const s of sections) {
      expect(s.text?.text.length).toBeLessThanOrEqual(3000);
      expect(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s.text?.text ?? '')).toBe(
        false,
      );
    }
    const joined = sections.map((s) => (s.text?.text ?? '').replace(/^```\n/, '').replace(/\n```$/, '')).join('');
    expect(joined).toBe(code);
    expect(fake.ok('files.getUploadURLExternal')).toHaveLength(0);
  });
});
