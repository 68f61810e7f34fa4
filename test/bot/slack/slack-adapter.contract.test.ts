import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlackAdapter } from '../../../bot/slack/slack-adapter.js';
import { resolveSlackConfig } from '../../../bot/slack/slack-config.js';
import { silentLogger } from '../../../engine/logger.js';
import { chatAdapterContract } from '../../contract/chat-adapter.contract.js';
import { FakeSlack, type FakeSlackCall } from '../../fakes/slack/fake-slack.js';
import { nextTs, SlackRequests } from '../../fakes/slack/slack-requests.js';
import { openStore, SIGNING_SECRET, tempDir, testConfig } from './slack-harness.js';

/** Whether a successful post or edit shows `text` (in its text or its blocks). */
function shows(c: FakeSlackCall, text: string): boolean {
  if (c.status !== 200 || (c.method !== 'chat.postMessage' && c.method !== 'chat.update')) return false;
  return String(c.args.text ?? '').includes(text) || JSON.stringify(c.args.blocks ?? []).includes(text);
}

chatAdapterContract('Slack (HTTP mode, against the fake Slack)', async () => {
  const dir = tempDir();
  const fake = await FakeSlack.start();
  const store = await openStore(dir.path);
  const adapter = new SlackAdapter(resolveSlackConfig(testConfig(fake), {}), { store, logger: silentLogger });
  const server = createServer(adapter.httpHandler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const requests = new SlackRequests(
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    SIGNING_SECRET,
  );
  return {
    adapter,
    user: 'U1',
    channel: 'C1',
    ready: () => adapter.whenReady(),
    async say(text, opts = {}) {
      const r = await requests.event({
        type: 'app_mention',
        user: 'U1',
        text: `<@UBOT> ${text}`,
        ts: nextTs(),
        ...(opts.thread ? { thread_ts: opts.thread } : {}),
        channel: 'C1',
      });
      if (r.status !== 200) throw new Error(`Slack's event was answered with HTTP ${r.status}`);
    },
    newThread: () => nextTs(),
    async shown(text) {
      const c = await fake.waitFor((call) => shows(call, text), 10_000);
      const thread = typeof c.args.thread_ts === 'string' ? c.args.thread_ts : undefined;
      const id = c.method === 'chat.update' && typeof c.args.ts === 'string' ? c.args.ts : undefined;
      return { ...(thread ? { thread } : {}), ...(id ? { id } : {}) };
    },
    async click(ref, buttonId, value) {
      await requests.action({
        channel: ref.channel,
        user: 'U1',
        action_id: `squall:${buttonId}`,
        value,
        message_ts: ref.id,
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await store.close();
      await fake.close();
      dir.remove();
    },
  };
});
