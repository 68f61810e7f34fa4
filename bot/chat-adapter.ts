/**
 * The ChatAdapter port: the glue between one chat platform and Squall's router. An adapter turns a
 * platform event into a ChatMessage, and posts or edits OutboundMessages. It knows its platform and
 * nothing else: no alias matching, no permissions, no execution state.
 */

export type Platform = 'slack' | 'teams' | 'discord' | 'cli';

/** A message addressed to (or overheard by) the bot, normalised across platforms. */
export interface ChatMessage {
  platform: Platform;
  /** Channel (or conversation) id. */
  channel: string;
  /** Thread id when the message is inside a thread; for Slack, the message's own ts when it starts one. */
  thread?: string;
  /** The platform's user id. */
  user: string;
  /** Display name, for messages and logs only (never for identity). */
  userName?: string;
  /** Email, when the platform gave it and identity-by-email is enabled. */
  userEmail?: string;
  text: string;
  /** The bot was @-mentioned (the router then needs no prefix). */
  mentioned: boolean;
  /** A direct message: no prefix needed either. */
  direct: boolean;
  /** The platform's id for this message (dedupe, reactions, edits). */
  messageId?: string;
  /** Set by adapters for slash commands, whose ack is the HTTP response. */
  via?: 'message' | 'slash' | 'button';
}

/** Where a reply goes. */
export interface ChatTarget {
  platform: Platform;
  channel: string;
  thread?: string;
  /** Reply only to this user (ephemeral where the platform has it). */
  ephemeralUser?: string;
}

export type MessageTone = 'info' | 'success' | 'failure' | 'warning';

/** A platform-neutral message; each adapter's format function renders it natively. */
export interface OutboundMessage {
  /** Plain text (also the fallback text for rich platforms). May contain ``` fenced blocks. */
  text: string;
  /** Colour/status hint. */
  tone?: MessageTone;
  /** A title line rendered bold/as a header where supported. */
  title?: string;
  /** Long output shown in a code block; adapters split or upload it past their limits. */
  code?: string;
  /** Where the full output can be read when `code` had to be cut. */
  moreUrl?: string;
  /** Interactive buttons (approvals); adapters without buttons list them as text. */
  buttons?: { id: string; label: string; value: string; style?: 'primary' | 'danger' }[];
}

/** What an adapter returns for a posted message, so that it can be edited later. Must be JSON. */
export interface PostedRef {
  platform: Platform;
  channel: string;
  thread?: string;
  /** The platform's id of the posted message (Slack ts, Teams activity id, Discord message id). */
  id: string;
}

/** A button click, routed to the router like a message. */
export interface ChatAction {
  platform: Platform;
  channel: string;
  thread?: string;
  user: string;
  actionId: string;
  value: string;
  messageRef?: PostedRef;
}

export interface PostOptions {
  key?: string;
}

export interface ChatCapabilities {
  threads: boolean;
  buttons: boolean;
  /** Whether posted messages can be edited (ack edited into the result). */
  edit: boolean;
  /** Longest text one message can carry. */
  maxMessageLength: number;
}

export interface ChatAdapter {
  readonly platform: Platform;
  readonly capabilities: ChatCapabilities;
  /**
   * How the result of a command appears: `edit` turns the ack message into the result (where the
   * platform allows edits), `reply` posts it as a new message in the thread. @default 'reply'
   */
  readonly resultMode?: 'edit' | 'reply';
  /** For platforms served by more than one adapter (the terminal shell): does this one own the channel? */
  ownsChannel?(channel: string): boolean;
  /** Registers the one inbound handler (the router). */
  onMessage(handler: (m: ChatMessage) => Promise<ChatReply | undefined>): void;
  /** Registers the handler for button clicks. */
  onAction?(handler: (a: ChatAction) => Promise<void>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Posts a message. `opts.key` names the logical message (e.g. `result:<execution id>`) so that an
   * adapter with a durable outbox can make a repeated post of the same message a no-op.
   */
  post(target: ChatTarget, msg: OutboundMessage, opts?: PostOptions): Promise<PostedRef>;
  update(ref: PostedRef, msg: OutboundMessage, opts?: PostOptions): Promise<void>;
}

/**
 * What the router answers to a message synchronously: the ack (or an error) to post. Returning it
 * lets an adapter put the ack in the slash-command HTTP response; adapters without such a response
 * simply post it. `undefined` means the message was not for the bot.
 */
export interface ChatReply {
  /** The reply; adapters post nothing when its text is empty (an alias with its ack disabled). */
  message: OutboundMessage;
  /** Called by the adapter with the posted ack's ref so that the result can edit it later. */
  onPosted?: (ref: PostedRef) => Promise<void>;
  /** The executions this reply acknowledges; their results follow later (the remote shell waits for them). */
  executionIds?: string[];
}
