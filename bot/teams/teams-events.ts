import type { ChatAction, ChatMessage } from '../chat-adapter.js';
import type { SquallSubmitData } from './teams-format.js';

/** The slice of a Bot Framework Activity Squall reads. */
export interface TeamsActivity {
  type?: string;
  id?: string;
  text?: string;
  replyToId?: string;
  value?: unknown;
  from?: { id?: string; name?: string; aadObjectId?: string };
  recipient?: { id?: string; name?: string };
  conversation?: { id?: string; conversationType?: string; isGroup?: boolean };
  entities?: { type?: string; text?: string; mentioned?: { id?: string } }[];
}

const ENTITIES: Record<string, string> = { '&nbsp;': ' ', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };

/** Teams text carries HTML entities and stray whitespace around mentions. */
function normalise(text: string): string {
  return text
    .replace(/&(nbsp|amp|lt|gt|quot);/g, (e) => ENTITIES[e] ?? e)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The Squall user key of a Teams user: the AAD object id, which stays the same across chats. */
export function teamsUserId(a: TeamsActivity): string | undefined {
  return a.from?.aadObjectId ?? a.from?.id;
}

/**
 * A message Activity as a ChatMessage: the bot's `<at>…</at>` mention removed (and `mentioned` set),
 * personal chats marked direct. Returns undefined for what is not a user's text message.
 */
export function messageFromActivity(a: TeamsActivity): ChatMessage | undefined {
  if (a.type !== 'message' || typeof a.text !== 'string') return undefined;
  const channel = a.conversation?.id;
  const user = teamsUserId(a);
  if (!channel || !user || a.from?.id === a.recipient?.id) return undefined;
  let text = a.text;
  let mentioned = false;
  for (const e of a.entities ?? []) {
    if (e.type !== 'mention' || e.mentioned?.id !== a.recipient?.id || !e.text) continue;
    if (text.includes(e.text)) {
      text = text.split(e.text).join(' ');
      mentioned = true;
    }
  }
  const m: ChatMessage = {
    platform: 'teams',
    channel,
    user,
    text: normalise(text),
    mentioned,
    direct: a.conversation?.conversationType === 'personal',
    via: 'message',
  };
  if (a.from?.name) m.userName = a.from.name;
  if (a.id) {
    m.messageId = a.id;
    // Replies (ack and result) answer this message, which keeps them in its reply chain.
    m.thread = a.id;
  }
  return m;
}

function isSubmit(v: unknown): v is SquallSubmitData {
  const d = v as Partial<SquallSubmitData> | null;
  return typeof d === 'object' && d !== null && typeof d.squall_action === 'string' && typeof d.value === 'string';
}

/** An Adaptive Card Action.Submit click as a ChatAction, or undefined when it is not one of Squall's buttons. */
export function actionFromActivity(a: TeamsActivity): ChatAction | undefined {
  if (a.type !== 'message' || !isSubmit(a.value)) return undefined;
  const channel = a.conversation?.id;
  const user = teamsUserId(a);
  if (!channel || !user) return undefined;
  const action: ChatAction = {
    platform: 'teams',
    channel,
    user,
    actionId: a.value.squall_action,
    value: a.value.value,
  };
  if (a.replyToId) action.messageRef = { platform: 'teams', channel, id: a.replyToId };
  return action;
}
