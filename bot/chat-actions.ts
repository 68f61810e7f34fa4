import type { Logger } from '../engine/logger.js';
import type { Store } from '../engine/store/store.js';
import type { AdapterRegistry } from './adapter-registry.js';
import type { ChatAction, ChatTarget, OutboundMessage } from './chat-adapter.js';
import { type ChatIdentity, type IdentityOptions, resolveIdentity } from './identity.js';

/**
 * What a click on one kind of button does, given who clicked (already mapped to a Squall user).
 * It answers with a message for the conversation, or nothing. Approvals (inquiries) add a row.
 */
export type ChatActionHandler = (a: ChatAction, who: ChatIdentity) => Promise<OutboundMessage | undefined>;

export interface ChatActionsDeps {
  store: Store;
  adapters: AdapterRegistry;
  logger: Logger;
  options: IdentityOptions;
}

/**
 * Button clicks from every platform (Slack block actions, Adaptive Card submits, Discord
 * components): the clicker is mapped to a Squall user exactly as a message's sender is, and an
 * unknown clicker is told so and nothing runs; a known one reaches the handler for the button's id.
 */
export class ChatActions {
  readonly #handlers = new Map<string, ChatActionHandler>();
  readonly #log: Logger;

  constructor(private readonly deps: ChatActionsDeps) {
    this.#log = deps.logger.child({ component: 'chat-actions' });
  }

  /** Sets what clicks on buttons with this action id do. */
  register(actionId: string, handler: ChatActionHandler): void {
    this.#handlers.set(actionId, handler);
  }

  /** Handles one click; never throws (a failure is logged and the clicker told). */
  async handle(a: ChatAction): Promise<void> {
    const log = this.#log.child({ platform: a.platform, channel: a.channel, actionId: a.actionId });
    try {
      const who = await resolveIdentity(
        this.deps.store,
        { platform: a.platform, channel: a.channel, user: a.user, text: '', mentioned: false, direct: false },
        this.deps.options,
      );
      if (!who) {
        log.warn('button clicked by an unknown chat user; ignored', { user: a.user });
        await this.#answer(a, {
          text: `Sorry, I don't know you yet, so your click did nothing. Ask an admin to map your ${a.platform} user (${a.user}) to a Squall user.`,
          tone: 'warning',
        });
        return;
      }
      const handler = this.#handlers.get(a.actionId);
      if (!handler) {
        log.warn('click on a button nothing handles', { user: who.user });
        await this.#answer(a, { text: 'That button is no longer active.', tone: 'warning' });
        return;
      }
      const reply = await handler(a, who);
      if (reply) await this.#answer(a, reply);
    } catch (e) {
      log.error('button click failed', { error: (e as Error).message });
    }
  }

  async #answer(a: ChatAction, msg: OutboundMessage): Promise<void> {
    const adapter = this.deps.adapters.find(a.platform, a.channel);
    if (!adapter) return;
    const thread = a.thread ?? a.messageRef?.thread;
    const target: ChatTarget = { platform: a.platform, channel: a.channel, ephemeralUser: a.user };
    if (thread) target.thread = thread;
    await adapter.post(target, msg);
  }
}
