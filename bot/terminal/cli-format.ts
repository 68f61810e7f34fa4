import pc from 'picocolors';
import type { MessageTone, OutboundMessage } from '../chat-adapter.js';

export interface TerminalFormatOptions {
  /** ANSI colours. @default false */
  color?: boolean;
  /** A tag shown after the sender, e.g. `#ops` for another channel or `edited`. */
  tag?: string;
}

/** True when a message has nothing to show (an ack the alias turned off). */
export function isEmptyMessage(msg: OutboundMessage): boolean {
  return !msg.title && !msg.text?.trim() && !msg.code && !msg.buttons?.length && !msg.moreUrl;
}

const MARK: Record<MessageTone, string> = { info: '●', success: '✔', failure: '✖', warning: '⚠' };

/**
 * Renders an OutboundMessage for a terminal, the way a chat client would show it: a sender line
 * with the tone's mark and the title, the text indented under it, and code (the `code` field and
 * ``` fences inside the text) behind a gutter so that it stands apart from prose.
 *
 * @example
 * formatForTerminal({ title: 'core.local succeeded', text: 'Took 1.2 s', code: 'Mon Jan 1', tone: 'success' })
 * // squall ✔ core.local succeeded
 * //   Took 1.2 s
 * //   │ Mon Jan 1
 */
export function formatForTerminal(msg: OutboundMessage, opts: TerminalFormatOptions = {}): string {
  const c = pc.createColors(opts.color === true);
  const tone = msg.tone ?? 'info';
  const paint = { info: c.cyan, success: c.green, failure: c.red, warning: c.yellow }[tone];
  const head = [c.bold(c.magenta('squall'))];
  // Titles often carry their own mark ("✔ core.local succeeded"); do not show it twice.
  if (!msg.title || !Object.values(MARK).some((m) => msg.title?.startsWith(m))) head.push(paint(MARK[tone]));
  if (opts.tag) head.push(c.dim(`(${opts.tag})`));
  if (msg.title) head.push(c.bold(paint(msg.title)));
  const lines = [head.join(' ')];
  lines.push(...renderText(msg.text ?? '', c));
  if (msg.code) lines.push(...codeLines(msg.code, c));
  if (msg.moreUrl) lines.push(`  ${c.dim('full output:')} ${c.underline(msg.moreUrl)}`);
  if (msg.buttons?.length) {
    // The terminal has no buttons: show what to type instead, as adapters without buttons do.
    lines.push(`  ${c.dim('reply with one of:')}`);
    for (const b of msg.buttons)
      lines.push(`    ${b.style === 'danger' ? c.red(b.label) : c.bold(b.label)}: ${b.value}`);
  }
  return lines.join('\n');
}

/** Text with ``` fenced blocks turned into gutter-marked code. */
function renderText(text: string, c: ReturnType<typeof pc.createColors>): string[] {
  if (!text.trim()) return [];
  const out: string[] = [];
  const parts = text.split(/```[^\n`]*\n?/);
  parts.forEach((part, i) => {
    const body = part.replace(/\n$/, '');
    if (!body) return;
    if (i % 2 === 1) out.push(...codeLines(body, c));
    else out.push(...body.split('\n').map((l) => `  ${l}`));
  });
  return out;
}

function codeLines(code: string, c: ReturnType<typeof pc.createColors>): string[] {
  return code
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `  ${c.dim('│')} ${l}`);
}
