import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatAction, ChatAdapter, ChatMessage, ChatReply, PostedRef } from '../../bot/chat-adapter.js';

/** Where the platform showed a message. */
export interface Shown {
  thread?: string;
  /** The platform's id of the message shown (what a PostedRef's `id` names), where it has one. */
  id?: string;
}

/**
 * One platform driven from the outside: a user speaks on it, and the test looks at what it shows.
 * Each adapter's test file supplies one (the terminal over streams, Slack against its fake).
 */
export interface ChatAdapterDriver {
  /** The adapter under test, not yet started; the contract registers its handlers and starts it. */
  readonly adapter: ChatAdapter;
  /** The platform user `say` speaks as, and the channel it speaks in. */
  readonly user: string;
  readonly channel: string;
  /** Resolves once the started adapter can receive (a platform connection may come up after start). */
  ready?(): Promise<void>;
  /** Makes the platform deliver a message addressed to the bot (inside `thread` when given). */
  say(text: string, opts?: { thread?: string }): Promise<void>;
  /** A thread id that `say` can speak inside (platforms with threads). */
  newThread?(): string;
  /** Resolves once the platform shows a message containing `text`. */
  shown(text: string): Promise<Shown>;
  /** Clicks button `buttonId` on the posted message (platforms with buttons). */
  click?(ref: PostedRef, buttonId: string, value: string): Promise<void>;
  /** Releases what the driver holds (servers, stores); the contract stops the adapter itself. */
  close(): Promise<void>;
}

/** Polls until `check` holds, so that the suite never depends on timing. */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The ChatAdapter contract: what the router and result delivery rely on from every platform.
 * Capabilities decide which parts apply (threads, edits, buttons); each is checked where claimed.
 */
export function chatAdapterContract(name: string, make: () => Promise<ChatAdapterDriver>): void {
  describe(`ChatAdapter contract: ${name}`, () => {
    let d: ChatAdapterDriver;
    let received: ChatMessage[];
    let clicks: ChatAction[];
    let answer: (m: ChatMessage) => ChatReply | undefined;
    let stopped: boolean;

    beforeEach(async () => {
      d = await make();
      received = [];
      clicks = [];
      stopped = false;
      answer = (m) => ({ message: { text: `ack ${m.text}` } });
      d.adapter.onMessage(async (m) => {
        received.push(m);
        return answer(m);
      });
      d.adapter.onAction?.(async (a) => {
        clicks.push(a);
      });
      await d.adapter.start();
      await d.ready?.();
    });

    afterEach(async () => {
      if (!stopped) await d.adapter.stop();
      await d.close();
    });

    it('turns a message into a ChatMessage with platform, user, channel and text', async () => {
      await d.say('status of web');
      await until(() => received.length === 1, 'the message');
      expect(received[0]).toMatchObject({
        platform: d.adapter.platform,
        user: d.user,
        channel: d.channel,
        text: 'status of web',
      });
    });

    it('answers in the conversation (and the thread) the message came from', async (t) => {
      await d.say('where am I');
      expect((await d.shown('ack where am I')).thread).toBe(received[0]?.thread);
      if (!d.adapter.capabilities.threads || !d.newThread) return t.skip();
      const thread = d.newThread();
      await d.say('inside a thread', { thread });
      await until(() => received.length === 2, 'the threaded message');
      expect(received[1]?.thread).toBe(thread);
      expect((await d.shown('ack inside a thread')).thread).toBe(thread);
    });

    it('posts to a target and updates the posted message', async () => {
      const ref = await d.adapter.post({ platform: d.adapter.platform, channel: d.channel }, { text: 'deploying' });
      expect(ref).toMatchObject({ platform: d.adapter.platform, channel: d.channel });
      await d.shown('deploying');
      await d.adapter.update(ref, { text: 'deployed', tone: 'success' });
      const edited = await d.shown('deployed');
      // Where the platform edits, the same message changes; elsewhere the new version follows.
      if (d.adapter.capabilities.edit) expect(edited.id).toBe(ref.id);
    });

    it('delivers a long text whole, however the platform has to split it', async () => {
      const lines = Array.from({ length: 400 }, (_, i) => `line ${String(i).padStart(4, '0')} of the output`);
      await d.adapter.post({ platform: d.adapter.platform, channel: d.channel }, { text: lines.join('\n') });
      for (const l of [lines[0]!, lines[199]!, lines[399]!]) await d.shown(l);
    });

    it('keeps unicode intact both ways', async () => {
      const text = 'déployer 東京 🚀 — ok ✓';
      await d.say(text);
      await until(() => received.length === 1, 'the message');
      expect(received[0]?.text).toBe(text);
      await d.shown(`ack ${text}`);
    });

    it('routes a button click to the action handler, where the platform has buttons', async (t) => {
      if (!d.adapter.capabilities.buttons || !d.click || !d.adapter.onAction) return t.skip();
      const ref = await d.adapter.post(
        { platform: d.adapter.platform, channel: d.channel },
        { text: 'Approve?', buttons: [{ id: 'approve', label: 'Approve', value: 'inq-1:yes' }] },
      );
      await d.click(ref, 'approve', 'inq-1:yes');
      await until(() => clicks.length === 1, 'the click');
      expect(clicks[0]).toMatchObject({
        platform: d.adapter.platform,
        channel: d.channel,
        actionId: 'approve',
        value: 'inq-1:yes',
      });
    });

    it('stops cleanly: stop() resolves and nothing reaches the handler afterwards', async () => {
      await d.adapter.stop();
      stopped = true;
      await d.say('too late').catch(() => {});
      // Give a delivery that should not happen a chance to happen.
      await new Promise((r) => setTimeout(r, 100));
      expect(received).toEqual([]);
    });
  });
}
