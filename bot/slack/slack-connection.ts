import { SocketModeReceiver, type webApi } from '@slack/bolt';
import { SquallError } from '../../engine/errors.js';
import type { Logger } from '../../engine/logger.js';
import { backoffDelay } from '../../lib/backoff.js';
import { type Deferred, deferred } from '../../lib/deferred.js';
import { Sleeper } from '../../lib/sleeper.js';
import type { SlackReceiver } from './slack-app.js';
import type { ResolvedSlackConfig } from './slack-config.js';
import type { BotIdentity } from './slack-events.js';

/** Slack's answers that mean a token is wrong, not that Slack is down: retrying cannot help. */
const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'not_allowed_token_type',
  'missing_scope',
]);

function authError(e: unknown): string | undefined {
  const data = (e as { data?: { error?: unknown } } | undefined)?.data;
  const code = typeof data?.error === 'string' ? data.error : undefined;
  return code !== undefined && AUTH_ERRORS.has(code) ? code : undefined;
}

/**
 * Connecting to Slack: the bot's identity (auth.test, skipped when bot_user_id and bot_id are
 * configured) and, in Socket Mode, the WebSocket. Slack being unreachable is retried with
 * exponential back-off and logged, never thrown at the process; a token Slack refuses is a
 * configuration error. A Socket Mode connection that drops is re-opened the same way.
 */
export class SlackConnection {
  readonly #cfg: ResolvedSlackConfig;
  readonly #client: InstanceType<typeof webApi.WebClient>;
  readonly #receiver: SlackReceiver;
  readonly #log: Logger;
  #identity: BotIdentity | undefined;
  #ready = false;
  #stopping = false;
  #readyWaiter = deferred({ quiet: true });
  #loop: Promise<void> | undefined;
  readonly #pause = new Sleeper();

  constructor(
    cfg: ResolvedSlackConfig,
    client: InstanceType<typeof webApi.WebClient>,
    receiver: SlackReceiver,
    logger: Logger,
  ) {
    this.#cfg = cfg;
    this.#client = client;
    this.#receiver = receiver;
    this.#log = logger;
    if (cfg.botUserId !== undefined && cfg.botId !== undefined) {
      this.#identity = { botUserId: cfg.botUserId, botId: cfg.botId };
    }
    if (receiver instanceof SocketModeReceiver) {
      receiver.client.on('disconnected', () => {
        if (!this.#ready || this.#stopping) return;
        this.#ready = false;
        this.#readyWaiter = deferred({ quiet: true });
        this.#log.warn('Slack Socket Mode connection lost; reconnecting');
        this.#loop = this.#run(deferred({ quiet: true }));
      });
    }
  }

  get identity(): BotIdentity | undefined {
    return this.#identity;
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** Resolves after the first attempt, connected or not; rejects with SQ_CONFIG_INVALID for a refused token. */
  async start(): Promise<void> {
    this.#stopping = false;
    const first = deferred({ quiet: true });
    this.#loop = this.#run(first);
    await first.promise;
  }

  whenReady(): Promise<void> {
    return this.#readyWaiter.promise;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#pause.wakeAll();
    await this.#loop;
    if (this.#receiver instanceof SocketModeReceiver) {
      const done = this.#receiver.client.disconnect();
      // disconnect() waits for a close event that an already closed socket never sends.
      await Promise.race([done, new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    this.#ready = false;
    this.#readyWaiter.reject(new SquallError('SQ_CHAT_UNAVAILABLE', 'the Slack adapter stopped'));
  }

  async #run(first: Deferred): Promise<void> {
    for (let attempt = 1; !this.#stopping; attempt += 1) {
      try {
        await this.#connectOnce();
        this.#ready = true;
        this.#readyWaiter.resolve();
        this.#log.info('connected to Slack', { mode: this.#cfg.mode, botUserId: this.#identity?.botUserId });
        first.resolve();
        return;
      } catch (e) {
        if (this.#stopping) break;
        const refused = authError(e);
        if (refused !== undefined) {
          const which = this.#identity === undefined ? 'slack.bot_token' : 'slack.app_token';
          const err = new SquallError('SQ_CONFIG_INVALID', `${which} was refused by Slack (${refused})`);
          this.#log.error(err.message);
          this.#readyWaiter.reject(err);
          first.reject(err);
          return;
        }
        const delay = backoffDelay(attempt, {
          baseMs: this.#cfg.retryBaseMs,
          maxMs: this.#cfg.retryMaxMs,
          jitter: 'spread',
        });
        this.#log.warn('Slack is unreachable; retrying', {
          attempt,
          retryInMs: Math.round(delay),
          reason: e instanceof Error ? e.message : String(e),
        });
        first.resolve();
        await this.#pause.sleep(delay);
      }
    }
    first.resolve();
  }

  async #connectOnce(): Promise<void> {
    if (this.#identity === undefined) {
      const r = await this.#client.auth.test();
      if (!r.user_id) throw new Error('auth.test returned no user_id');
      this.#identity = { botUserId: r.user_id, botId: r.bot_id };
    }
    if (this.#receiver instanceof SocketModeReceiver) await this.#receiver.client.start();
  }
}
