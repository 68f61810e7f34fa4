import type { JsonObject } from '../../engine/model/json.js';
import type { MessageTone, OutboundMessage } from '../chat-adapter.js';

/** Discord's limits (https://discord.com/developers/docs/resources/message). */
export const LIMITS = { content: 2000, description: 4096, title: 256, customId: 100, label: 80 } as const;

/** A message body for the REST API, plus a file when the output is too long to show. */
export interface DiscordRendered {
  body: JsonObject;
  file?: { name: string; content: string };
}

const COLOR: Record<MessageTone, number> = { info: 0x5865f2, success: 0x57f287, failure: 0xed4245, warning: 0xfee75c };

/** `squall:<id>:<value>`, read back by `parseCustomId`; Discord allows 100 characters. */
export function customId(id: string, value: string): string {
  return `squall:${id}:${value}`.slice(0, LIMITS.customId);
}

export function parseCustomId(s: string): { actionId: string; value: string } | undefined {
  const m = /^squall:([^:]*):(.*)$/s.exec(s);
  return m ? { actionId: m[1] ?? '', value: m[2] ?? '' } : undefined;
}

function fence(code: string): string {
  // A ``` inside the output would end the block early.
  return `\`\`\`\n${code.replace(/```/g, '`\u200b``')}\n\`\`\``;
}

function cutStart(s: string, max: number): string {
  return s.length <= max ? s : `…${s.slice(s.length - max + 1)}`;
}

/**
 * Renders a message: plain text as `content` (≤ 2,000 characters, longer text attached as a file
 * with its end shown); a titled result as an embed
 * (title, colour from the tone, output in a code block in the 4,096-character description); output
 * past `attachThreshold` attached as a file, with its last lines shown; buttons as components.
 */
export function formatDiscordMessage(m: OutboundMessage, opts: { attachThreshold: number }): DiscordRendered {
  const out: DiscordRendered = { body: { allowed_mentions: { parse: [] } } };
  const code = m.code ?? '';
  const attach = code.length > opts.attachThreshold;
  if (attach) out.file = { name: 'output.txt', content: code };
  const rich = Boolean(m.title || m.code || m.moreUrl);
  if (!rich && m.text.length > LIMITS.content) {
    // Too long for one message: the whole text as a file, its end (usually what matters) shown.
    out.file = { name: 'message.txt', content: m.text };
    out.body.content = `${cutStart(m.text, LIMITS.content - 60)}\n(Full text attached: message.txt.)`;
  } else if (!rich) {
    out.body.content = m.text || '\u200b';
  } else {
    const parts: string[] = [];
    if (m.text) parts.push(m.text);
    if (code) {
      const shown = attach ? cutStart(code, Math.min(1500, opts.attachThreshold)) : code;
      parts.push(fence(shown));
      if (attach) parts.push('Full output attached (output.txt).');
    }
    if (m.moreUrl) parts.push(`[Full output](${m.moreUrl})`);
    let description = parts.join('\n');
    if (description.length > LIMITS.description) {
      description = `${m.text ? `${m.text.slice(0, 500)}\n` : ''}${fence(cutStart(code, LIMITS.description - 600))}`;
    }
    const embed: JsonObject = { description, color: COLOR[m.tone ?? 'info'] };
    if (m.title) embed.title = m.title.slice(0, LIMITS.title);
    out.body.embeds = [embed];
  }
  if (m.buttons?.length) {
    const buttons = m.buttons.slice(0, 25).map((b) => ({
      type: 2,
      style: b.style === 'danger' ? 4 : b.style === 'primary' ? 1 : 2,
      label: b.label.slice(0, LIMITS.label),
      custom_id: customId(b.id, b.value),
    }));
    const rows: JsonObject[] = [];
    for (let i = 0; i < buttons.length; i += 5) rows.push({ type: 1, components: buttons.slice(i, i + 5) });
    out.body.components = rows;
  }
  return out;
}
