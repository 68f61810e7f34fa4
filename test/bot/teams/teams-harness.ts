import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatAction, ChatMessage, ChatReply } from '../../../bot/chat-adapter.js';
import { TeamsAdapter } from '../../../bot/teams/teams-adapter.js';
import { resolveTeamsConfig, type TeamsOptions } from '../../../bot/teams/teams-config.js';
import { silentLogger } from '../../../engine/logger.js';
import type { Store } from '../../../engine/store/store.js';

/**
 * A Teams adapter served the way Squall's server serves it (a Node server handing requests to
 * `httpHandler`), with the test as its consumer: it records messages and answers with an ack.
 */
export class TeamsHarness {
  readonly received: ChatMessage[] = [];
  readonly actions: ChatAction[] = [];
  answer: (m: ChatMessage) => ChatReply | undefined = (m) => ({ message: { text: `ack: ${m.text}` } });
  adapter!: TeamsAdapter;
  endpoint = '';
  #server: Server | undefined;

  constructor(readonly store: Store) {}

  async start(over: TeamsOptions = {}, env: Record<string, string> = { SQUALL_TEAMS_ANONYMOUS: '1' }): Promise<this> {
    const cfg = resolveTeamsConfig({ min_interval_ms: 0, retry_base_ms: 20, retry_max_ms: 200, ...over }, env);
    this.adapter = new TeamsAdapter(cfg, { store: this.store, logger: silentLogger });
    this.adapter.onMessage(async (m) => {
      this.received.push(m);
      return this.answer(m);
    });
    this.adapter.onAction(async (a) => {
      this.actions.push(a);
    });
    await this.adapter.start();
    this.#server = createServer(this.adapter.httpHandler);
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.endpoint = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/api/messages`;
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
