import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatAction, ChatMessage, ChatReply } from '../../../bot/chat-adapter.js';
import { SlackAdapter } from '../../../bot/slack/slack-adapter.js';
import { resolveSlackConfig, type SlackOptions } from '../../../bot/slack/slack-config.js';
import { silentLogger } from '../../../engine/logger.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../engine/store/store.js';
import type { FakeSlack } from '../../fakes/slack/fake-slack.js';
import { SlackRequests } from '../../fakes/slack/slack-requests.js';

export const SIGNING_SECRET = 'test-signing-secret';

/** A real SQLite file in a temp dir, so restarts can reopen it. */
export async function openStore(dir: string): Promise<Store> {
  const store = await createSqliteStore({ kind: 'sqlite', path: join(dir, 'squall.db') }, { logger: silentLogger });
  await store.init();
  return store;
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'squall-slack-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Settings for tests: the fake's URL, no auth.test, no waits unless a test asks for them. */
export function testConfig(fake: FakeSlack, over: SlackOptions = {}): SlackOptions {
  return {
    bot_token: 'xoxb-test',
    signing_secret: SIGNING_SECRET,
    api_url: fake.apiUrl,
    mode: 'http',
    bot_user_id: 'UBOT',
    bot_id: 'BBOT',
    min_interval_ms: 0,
    retry_base_ms: 20,
    retry_max_ms: 200,
    request_timeout_ms: 2000,
    ...over,
  };
}

/**
 * An HTTP-mode adapter against the fake, served the way Squall's server serves it: a plain Node
 * server that hands requests to `httpHandler`. The handler is the test's own consumer of the port:
 * it records messages and answers with an ack.
 */
export class HttpHarness {
  readonly received: ChatMessage[] = [];
  readonly actions: ChatAction[] = [];
  answer: (m: ChatMessage) => ChatReply | undefined = (m) => ({ message: { text: `ack: ${m.text}` } });
  adapter!: SlackAdapter;
  requests!: SlackRequests;
  baseUrl = '';
  #server: Server | undefined;

  constructor(
    readonly fake: FakeSlack,
    readonly store: Store,
  ) {}

  async start(over: SlackOptions = {}): Promise<this> {
    this.adapter = new SlackAdapter(resolveSlackConfig(testConfig(this.fake, over), {}), {
      store: this.store,
      logger: silentLogger,
    });
    this.adapter.onMessage(async (m) => {
      this.received.push(m);
      return this.answer(m);
    });
    this.adapter.onAction(async (a) => {
      this.actions.push(a);
    });
    await this.adapter.start();
    await this.adapter.whenReady();
    this.#server = createServer(this.adapter.httpHandler);
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    const port = (this.#server.address() as AddressInfo).port;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.requests = new SlackRequests(`${this.baseUrl}/slack/events`, SIGNING_SECRET);
    return this;
  }

  async stop(): Promise<void> {
    await this.adapter.stop();
    if (this.#server) {
      this.#server.closeAllConnections();
      await new Promise<void>((r) => this.#server?.close(() => r()));
    }
  }
}
