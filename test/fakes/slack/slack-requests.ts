import { createHmac } from 'node:crypto';

export interface SendOptions {
  /** Seconds since the epoch for X-Slack-Request-Timestamp. @default now */
  timestamp?: number;
  /** Sign with this secret instead of the real one. */
  secret?: string;
  /** Sent as X-Slack-Retry-Num (with X-Slack-Retry-Reason http_timeout). */
  retryNum?: number;
}

export interface SlackResponse {
  status: number;
  body: string;
}

let eventCounter = 0;
let tsCounter = 0;

/** A fresh Slack-like message ts. */
export function nextTs(): string {
  tsCounter += 1;
  return `1690000000.${String(tsCounter).padStart(6, '0')}`;
}

/**
 * Sends requests to an HTTP-mode app the way Slack does: signed with the signing secret
 * (`v0:<timestamp>:<body>`, HMAC-SHA256), events as JSON, slash commands and interactivity as a
 * bare `application/x-www-form-urlencoded` body (a charset suffix makes Bolt answer 400).
 */
export class SlackRequests {
  readonly #url: string;
  readonly #secret: string;

  /** `url` is the full endpoint, e.g. http://127.0.0.1:1234/slack/events. */
  constructor(url: string, signingSecret: string) {
    this.#url = url;
    this.#secret = signingSecret;
  }

  /** An Events API callback wrapping `event`; returns the response and the event id used. */
  async event(
    event: Record<string, unknown>,
    opts: SendOptions & { eventId?: string } = {},
  ): Promise<SlackResponse & { eventId: string }> {
    const eventId = opts.eventId ?? `Ev${++eventCounter}`;
    const body = JSON.stringify({
      token: 'legacy',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
      event: { event_ts: event.ts, ...event },
    });
    return { ...(await this.#send(body, 'application/json', opts)), eventId };
  }

  /** A slash command, e.g. `command({ text: 'deploy prod', channel_id: 'C1', user_id: 'U1' })`. */
  async command(
    fields: { text: string; channel_id: string; user_id: string; command?: string; user_name?: string },
    opts: SendOptions = {},
  ): Promise<SlackResponse> {
    const form = new URLSearchParams({
      token: 'legacy',
      team_id: 'T1',
      team_domain: 'fake',
      channel_name: fields.channel_id.startsWith('D') ? 'directmessage' : 'general',
      user_name: fields.user_name ?? 'alice',
      api_app_id: 'A1',
      response_url: 'http://127.0.0.1:9/respond/1',
      trigger_id: 't.1',
      command: fields.command ?? '/squall',
      text: fields.text,
      channel_id: fields.channel_id,
      user_id: fields.user_id,
    });
    return this.#send(form.toString(), 'application/x-www-form-urlencoded', opts);
  }

  /** A block_actions payload for a click on `action_id` in the message `message_ts`. */
  async action(
    a: { channel: string; user: string; action_id: string; value: string; message_ts: string; thread_ts?: string },
    opts: SendOptions = {},
  ): Promise<SlackResponse> {
    const form = new URLSearchParams({ payload: JSON.stringify(blockActions(a)) });
    return this.#send(form.toString(), 'application/x-www-form-urlencoded', opts);
  }

  /** Any signed JSON body (url_verification and the like). */
  async raw(body: string, opts: SendOptions = {}): Promise<SlackResponse> {
    return this.#send(body, 'application/json', opts);
  }

  async #send(body: string, contentType: string, opts: SendOptions): Promise<SlackResponse> {
    const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const sig = `v0=${createHmac('sha256', opts.secret ?? this.#secret)
      .update(`v0:${ts}:${body}`)
      .digest('hex')}`;
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': sig,
    };
    if (opts.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(opts.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const res = await fetch(this.#url, { method: 'POST', headers, body });
    return { status: res.status, body: await res.text() };
  }
}

/** The block_actions payload Slack sends for a button click. */
export function blockActions(a: {
  channel: string;
  user: string;
  action_id: string;
  value: string;
  message_ts: string;
  thread_ts?: string;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'T1', domain: 'fake' },
    user: { id: a.user, username: 'alice', team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: 't.2',
    channel: { id: a.channel, name: 'general' },
    container: { type: 'message', message_ts: a.message_ts, channel_id: a.channel, is_ephemeral: false },
    message: {
      type: 'message',
      ts: a.message_ts,
      text: 'approve?',
      ...(a.thread_ts ? { thread_ts: a.thread_ts } : {}),
    },
    response_url: 'http://127.0.0.1:9/respond/2',
    actions: [{ type: 'button', action_id: a.action_id, block_id: 'b1', value: a.value, action_ts: '1.2' }],
  };
}

/** An Events API envelope body for Socket Mode (the same body Slack POSTs in HTTP mode). */
export function eventCallback(
  event: Record<string, unknown>,
  eventId = `Ev${++eventCounter}`,
): Record<string, unknown> {
  return {
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
    event: { event_ts: event.ts, ...event },
  };
}
