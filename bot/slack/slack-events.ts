import type { ChatAction, ChatMessage } from '../chat-adapter.js';
import { mentionsBot, stripBotMention, unescapeSlackText } from './slack-text.js';

/** The slice of a Slack `message` / `app_mention` event the adapter reads. */
export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
}

/** The slice of a slash command payload the adapter reads. */
export interface SlackCommandPayload {
  command: string;
  text: string;
  user_id: string;
  user_name?: string;
  channel_id: string;
  channel_name?: string;
}

/** The slice of a `block_actions` payload the adapter reads. */
export interface SlackBlockActionsPayload {
  user: { id: string };
  channel?: { id: string };
  container?: { channel_id?: string; message_ts?: string; thread_ts?: string };
  message?: { ts: string; thread_ts?: string };
  actions: { action_id: string; value?: string }[];
}

export interface BotIdentity {
  botUserId: string;
  botId: string | undefined;
}

/** Message subtypes that are still a person typing a message; every other subtype (edits, joins, bots) is not. */
const HUMAN_SUBTYPES = new Set(['thread_broadcast', 'file_share']);

/** The prefix of Squall's button action ids; clicks on other buttons are not Squall's. */
export const ACTION_PREFIX = 'squall:';

function isText(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

function optionalText(v: unknown): boolean {
  return v === undefined || typeof v === 'string';
}

/**
 * Turns an `app_mention` or `message` event into a ChatMessage, or `undefined` when the bot must
 * ignore it: its own messages, other bots', edits and other non-human subtypes, and channel
 * messages that mention the bot (Slack sends those twice; the `app_mention` copy is the one used).
 * `thread` is the thread to answer in: the event's thread, or its own ts when replies go in threads.
 */
export function messageFromEvent(
  e: SlackMessageEvent,
  bot: BotIdentity,
  replyInThread: (channel: string) => boolean,
): ChatMessage | undefined {
  if (e.type !== 'message' && e.type !== 'app_mention') return undefined;
  if (e.subtype !== undefined && !HUMAN_SUBTYPES.has(e.subtype)) return undefined;
  if (e.bot_id !== undefined || e.user === undefined || e.user === bot.botUserId) return undefined;
  // Signed but malformed events (fields of the wrong type) are dropped rather than queued to nowhere.
  if (!isText(e.user) || !isText(e.channel) || !isText(e.ts) || !optionalText(e.text) || !optionalText(e.thread_ts))
    return undefined;
  const raw = e.text ?? '';
  const direct = e.channel_type === 'im';
  const mentioned = e.type === 'app_mention' || mentionsBot(raw, bot.botUserId);
  if (e.type === 'message' && mentioned && !direct) return undefined;
  const text = unescapeSlackText(mentioned ? stripBotMention(raw, bot.botUserId) : raw);
  const thread = e.thread_ts ?? (replyInThread(e.channel) ? e.ts : undefined);
  const m: ChatMessage = {
    platform: 'slack',
    channel: e.channel,
    user: e.user,
    text,
    mentioned,
    direct,
    messageId: e.ts,
    via: 'message',
  };
  if (thread !== undefined) m.thread = thread;
  return m;
}

/** Turns a slash command into a ChatMessage; the command itself addresses the bot, so no prefix is needed. */
export function messageFromCommand(c: SlackCommandPayload): ChatMessage {
  const m: ChatMessage = {
    platform: 'slack',
    channel: c.channel_id,
    user: c.user_id,
    text: unescapeSlackText(c.text ?? '').trim(),
    mentioned: true,
    direct: c.channel_name === 'directmessage' || c.channel_id.startsWith('D'),
    via: 'slash',
  };
  if (c.user_name) m.userName = c.user_name;
  return m;
}

/** Turns a click on one of Squall's buttons into a ChatAction (the action id without its `squall:` prefix). */
export function actionFromPayload(p: SlackBlockActionsPayload): ChatAction | undefined {
  const action = p.actions.find((a) => a.action_id.startsWith(ACTION_PREFIX));
  const channel = p.channel?.id ?? p.container?.channel_id;
  if (action === undefined || channel === undefined) return undefined;
  const thread = p.message?.thread_ts ?? p.container?.thread_ts;
  const messageTs = p.message?.ts ?? p.container?.message_ts;
  const a: ChatAction = {
    platform: 'slack',
    channel,
    user: p.user.id,
    actionId: action.action_id.slice(ACTION_PREFIX.length),
    value: action.value ?? '',
  };
  if (thread !== undefined) a.thread = thread;
  if (messageTs !== undefined) {
    a.messageRef = { platform: 'slack', channel, id: messageTs };
    if (thread !== undefined) a.messageRef.thread = thread;
  }
  return a;
}
