import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TeamsAdapter } from '../../../bot/teams/teams-adapter.js';
import { resolveTeamsConfig } from '../../../bot/teams/teams-config.js';
import { TeamsReferences } from '../../../bot/teams/teams-references.js';
import { silentLogger } from '../../../engine/logger.js';
import { chatAdapterContract } from '../../contract/chat-adapter.contract.js';
import { BOT_ID, BOT_NAME, cardSubmit, channelMessage, postActivity } from '../../fakes/bot-framework/activities.js';
import { activityText, type ConnectorCall, FakeConnector } from '../../fakes/bot-framework/fake-connector.js';
import { openStore, tempDir } from '../slack/slack-harness.js';

const CONVERSATION = '19:contract@thread.tacv2';
let threads = 0;

/** Whether an accepted post or edit shows `text` (its card or its fallback text). */
function shows(c: ConnectorCall, text: string): boolean {
  if (c.status >= 300 || (c.verb !== 'POST' && c.verb !== 'PUT')) return false;
  return activityText(c.body).includes(text) || JSON.stringify(c.body).includes(JSON.stringify(text).slice(1, -1));
}

chatAdapterContract('Teams (botbuilder CloudAdapter, against the fake connector)', async () => {
  const dir = tempDir();
  const fake = await FakeConnector.start();
  const store = await openStore(dir.path);
  // A conversation the bot was in before this run (Teams only lets a bot post where it holds a reference).
  await new TeamsReferences(store.marks).save(CONVERSATION, {
    channelId: 'msteams',
    serviceUrl: fake.url,
    conversation: { id: CONVERSATION, conversationType: 'channel', tenantId: 't1', isGroup: true },
    bot: { id: BOT_ID, name: BOT_NAME },
  });
  const cfg = resolveTeamsConfig(
    { min_interval_ms: 0, retry_base_ms: 20, retry_max_ms: 200 },
    { SQUALL_TEAMS_ANONYMOUS: '1' },
  );
  const adapter = new TeamsAdapter(cfg, { store, logger: silentLogger });
  const server = createServer(adapter.httpHandler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  return {
    adapter,
    user: 'aad-alice',
    channel: CONVERSATION,
    async say(text, opts = {}) {
      const a = channelMessage({
        serviceUrl: fake.url,
        text,
        conversationId: CONVERSATION,
        ...(opts.thread ? { id: opts.thread } : {}),
      });
      const r = await postActivity(endpoint, a);
      if (r.status !== 200) throw new Error(`the Activity was answered with HTTP ${r.status}`);
    },
    // Each Teams message starts its own reply chain; a message with this id is one.
    newThread: () => `contract-thread-${++threads}`,
    async shown(text) {
      const c = await fake.waitFor((call) => shows(call, text), 10_000);
      if (c.verb === 'PUT') return { ...(c.activityId ? { id: c.activityId } : {}) };
      return c.activityId ? { thread: c.activityId } : {};
    },
    async click(ref, buttonId, value) {
      const a = cardSubmit({
        serviceUrl: fake.url,
        conversationId: CONVERSATION,
        replyToId: ref.id,
        value: { squall_action: buttonId, value },
      });
      const r = await postActivity(endpoint, a);
      if (r.status !== 200) throw new Error(`the click was answered with HTTP ${r.status}`);
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
