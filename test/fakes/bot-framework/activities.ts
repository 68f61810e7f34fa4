let counter = 0;

export interface ActivityOptions {
  serviceUrl: string;
  text?: string;
  /** AAD object id of the sender. @default 'aad-alice' */
  aadObjectId?: string;
  /** Bot Framework id of the sender. @default '29:alice' */
  from?: string;
  conversationId?: string;
  /** The message's own id. @default a fresh id */
  id?: string;
  /** Adaptive Card Action.Submit data. */
  value?: Record<string, unknown>;
}

export const BOT_ID = '28:squall-bot';
export const BOT_NAME = 'Squall';

/** A channel message that @mentions the bot, as Teams sends it. */
export function channelMessage(o: ActivityOptions): Record<string, unknown> {
  const text = o.text ?? 'help';
  return {
    type: 'message',
    id: o.id ?? `msg-${++counter}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: o.serviceUrl,
    from: { id: o.from ?? '29:alice', name: 'Alice', aadObjectId: o.aadObjectId ?? 'aad-alice' },
    conversation: {
      id: o.conversationId ?? '19:chan@thread.tacv2;messageid=1',
      conversationType: 'channel',
      tenantId: 't1',
      isGroup: true,
    },
    recipient: { id: BOT_ID, name: BOT_NAME },
    text: `<at>${BOT_NAME}</at> ${text}`,
    textFormat: 'plain',
    locale: 'en-US',
    entities: [{ type: 'mention', text: `<at>${BOT_NAME}</at>`, mentioned: { id: BOT_ID, name: BOT_NAME } }],
    channelData: {
      tenant: { id: 't1' },
      team: { id: '19:team@thread.tacv2' },
      channel: { id: '19:chan@thread.tacv2' },
    },
  };
}

/** A message in a personal (1:1) chat: no mention. */
export function personalMessage(o: ActivityOptions): Record<string, unknown> {
  return {
    type: 'message',
    id: o.id ?? `msg-${++counter}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: o.serviceUrl,
    from: { id: o.from ?? '29:alice', name: 'Alice', aadObjectId: o.aadObjectId ?? 'aad-alice' },
    conversation: { id: o.conversationId ?? 'a:personal-alice', conversationType: 'personal', tenantId: 't1' },
    recipient: { id: BOT_ID, name: BOT_NAME },
    text: o.text ?? 'help',
    textFormat: 'plain',
    channelData: { tenant: { id: 't1' } },
  };
}

/** The message Teams sends when someone clicks an Adaptive Card Action.Submit button. */
export function cardSubmit(o: ActivityOptions & { replyToId: string }): Record<string, unknown> {
  const a = channelMessage(o);
  delete a.text;
  delete a.entities;
  return { ...a, replyToId: o.replyToId, value: o.value ?? {} };
}

/** POSTs an Activity to the bot's messaging endpoint. */
export async function postActivity(
  endpoint: string,
  activity: Record<string, unknown>,
  token?: string,
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(activity) });
  return { status: res.status, body: await res.text() };
}
