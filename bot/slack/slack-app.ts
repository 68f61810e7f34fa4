import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { Logger } from '../../engine/logger.js';
import type { ResolvedSlackConfig } from './slack-config.js';
import {
  ACTION_PREFIX,
  type BotIdentity,
  type SlackBlockActionsPayload,
  type SlackCommandPayload,
  type SlackMessageEvent,
} from './slack-events.js';
import { toSlackLogger } from './slack-logger.js';

/** The body a slash command is acknowledged with (Slack shows it as the command's answer). */
export interface SlackAckBody {
  response_type: 'in_channel' | 'ephemeral';
  text: string;
  blocks?: unknown[];
}

/** What the Bolt app hands over; the adapter implements it. */
export interface SlackInbound {
  /** Identity resolved at start-up; Bolt's authorize and ignoreSelf need it. */
  identity(): BotIdentity | undefined;
  onEvent(eventId: string | undefined, event: SlackMessageEvent): Promise<void>;
  /** The ack body, or `undefined` for an empty ack (nothing shown). */
  onCommand(command: SlackCommandPayload): Promise<SlackAckBody | undefined>;
  onAction(payload: SlackBlockActionsPayload): Promise<void>;
}

export type SlackReceiver = HTTPReceiver | SocketModeReceiver;

/**
 * Builds the Bolt app for the configured mode. HTTP mode uses Bolt's HTTPReceiver without letting
 * it listen (Squall's server owns the port and calls `receiver.requestListener`); Socket Mode
 * turns off the client's own reconnection (whose failures surface as unhandled rejections) so
 * that the adapter reconnects with its own back-off. Retries of the Web API are off everywhere:
 * the outbox and the connect loop own them.
 */
export function createSlackApp(
  cfg: ResolvedSlackConfig,
  inbound: SlackInbound,
  logger: Logger,
): { app: App; receiver: SlackReceiver } {
  const sdkLogger = toSlackLogger(logger);
  const clientOptions = {
    slackApiUrl: cfg.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: cfg.requestTimeoutMs,
  };
  const receiver: SlackReceiver =
    cfg.mode === 'http'
      ? new HTTPReceiver({
          signingSecret: cfg.signingSecret ?? '',
          endpoints: '/slack/events',
          processBeforeResponse: false,
          logger: sdkLogger,
        })
      : new SocketModeReceiver({
          appToken: cfg.appToken ?? '',
          logger: sdkLogger,
          autoReconnectEnabled: false,
          installerOptions: { clientOptions },
        });
  const app = new App({
    receiver,
    logger: sdkLogger,
    clientOptions,
    convoStore: false,
    authorize: async () => {
      const id = inbound.identity();
      if (id === undefined) throw new Error('Slack identity not resolved yet');
      return { botToken: cfg.botToken, botUserId: id.botUserId, botId: id.botId ?? '' };
    },
  });

  const onEvent = async ({ event, body }: { event: unknown; body: { event_id?: string } }) =>
    inbound.onEvent(body.event_id, event as SlackMessageEvent);
  app.event('app_mention', onEvent);
  app.event('message', onEvent);
  app.command(cfg.command, async ({ command, ack }) => {
    const body = await inbound.onCommand(command as SlackCommandPayload);
    await (body ? ack(body as Parameters<typeof ack>[0]) : ack());
  });
  app.action({ type: 'block_actions', action_id: new RegExp(`^${ACTION_PREFIX}`) }, async ({ ack, body }) => {
    await ack();
    await inbound.onAction(body as unknown as SlackBlockActionsPayload);
  });
  app.error(async (e) => {
    logger.error('Slack listener failed', { err: e.message, code: e.code });
  });
  return { app, receiver };
}
