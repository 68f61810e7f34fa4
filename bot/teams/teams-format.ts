import type { JsonObject } from '../../engine/model/json.js';
import type { MessageTone, OutboundMessage } from '../chat-adapter.js';

/** The Activity fields Squall sends: a text fallback and, for rich messages, one Adaptive Card. */
export interface TeamsRendered {
  type: 'message';
  text: string;
  textFormat: 'markdown';
  attachments?: { contentType: 'application/vnd.microsoft.card.adaptive'; content: JsonObject }[];
}

/** The data a card button submits; `actionFromActivity` reads it back. */
export interface SquallSubmitData {
  squall_action: string;
  value: string;
}

const COLOR: Record<MessageTone, string> = {
  info: 'Default',
  success: 'Good',
  failure: 'Attention',
  warning: 'Warning',
};
const ICON: Record<MessageTone, string> = { info: 'ℹ️', success: '✅', failure: '❌', warning: '⚠️' };

function size(r: TeamsRendered): number {
  // Teams counts the message as UTF-16; JSON.stringify's length is exactly that.
  return JSON.stringify(r).length;
}

function fallbackText(m: OutboundMessage, code: string | undefined): string {
  const parts: string[] = [];
  if (m.title) parts.push(`**${m.tone ? `${ICON[m.tone]} ` : ''}${m.title}**`);
  if (m.text) parts.push(m.text);
  if (code) parts.push(`\`\`\`\n${code}\n\`\`\``);
  if (m.buttons?.length && !code) parts.push(m.buttons.map((b) => `[${b.label}]`).join(' '));
  return parts.join('\n\n');
}

function card(m: OutboundMessage, code: string | undefined): JsonObject {
  const body: JsonObject[] = [];
  if (m.title) {
    body.push({
      type: 'TextBlock',
      text: `${m.tone ? `${ICON[m.tone]} ` : ''}${m.title}`,
      weight: 'Bolder',
      color: COLOR[m.tone ?? 'info'],
      wrap: true,
    });
  }
  if (m.text) body.push({ type: 'TextBlock', text: m.text, wrap: true });
  if (code) body.push({ type: 'TextBlock', text: code, fontType: 'Monospace', wrap: true, spacing: 'Small' });
  if (m.moreUrl) body.push({ type: 'TextBlock', text: `[Full output](${m.moreUrl})`, wrap: true, size: 'Small' });
  const c: JsonObject = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    msteams: { width: 'Full' },
    body,
  };
  if (m.buttons?.length) {
    c.actions = m.buttons.map((b) => {
      const a: JsonObject = {
        type: 'Action.Submit',
        title: b.label,
        data: { squall_action: b.id, value: b.value } satisfies SquallSubmitData as unknown as JsonObject,
      };
      if (b.style) a.style = b.style === 'primary' ? 'positive' : 'destructive';
      return a;
    });
  }
  return c;
}

function render(m: OutboundMessage, code: string | undefined): TeamsRendered {
  const text = fallbackText(m, code);
  const rich = Boolean(m.title || code || m.buttons?.length || m.moreUrl);
  const r: TeamsRendered = { type: 'message', text, textFormat: 'markdown' };
  if (rich) r.attachments = [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card(m, code) }];
  return r;
}

/**
 * Renders a message as an Adaptive Card (status title, text, output in a monospace block, buttons as
 * Action.Submit) with the same content as markdown text for notifications and clients without
 * cards. The output appears twice (card and fallback), so when the whole Activity would exceed
 * `maxBytes`, the output is cut from the start, keeping its last lines, until it fits.
 */
export function formatTeamsMessage(m: OutboundMessage, opts: { maxBytes: number }): TeamsRendered {
  const full = render(m, m.code);
  if (size(full) <= opts.maxBytes || !m.code) return fitText(full, opts.maxBytes);
  const note = '… (output cut)\n';
  let keep = Math.floor((opts.maxBytes - size(render(m, ''))) / 2.2);
  for (;;) {
    const code = keep > 0 ? `${note}${m.code.slice(m.code.length - keep)}` : note.trim();
    const r = render(m, code);
    if (size(r) <= opts.maxBytes || keep <= 0) return fitText(r, opts.maxBytes);
    keep = Math.floor(keep * 0.9) - 1;
  }
}

// Plain text alone can exceed the budget too (a long alias template): cut it and drop the card.
function fitText(r: TeamsRendered, maxBytes: number): TeamsRendered {
  if (size(r) <= maxBytes) return r;
  const budget = Math.max(100, Math.floor((maxBytes - 200) / 1.2));
  return { type: 'message', text: `${r.text.slice(0, budget)}\n… (cut)`, textFormat: 'markdown' };
}
