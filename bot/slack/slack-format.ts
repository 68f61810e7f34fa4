import type { MessageTone, OutboundMessage } from '../chat-adapter.js';

/** A Block Kit text object. */
export type SlackText = { type: 'mrkdwn' | 'plain_text'; text: string; emoji?: boolean };
export type SlackButton = {
  type: 'button';
  text: SlackText;
  action_id: string;
  value: string;
  style?: 'primary' | 'danger';
};
/** The slice of Block Kit that Squall renders. */
export type SlackBlock =
  | { type: 'section'; text: SlackText }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'actions'; elements: SlackButton[] };

/** What one OutboundMessage becomes on Slack. */
export interface SlackRendered {
  /** Fallback for notifications and screen readers; always set. */
  text: string;
  blocks: SlackBlock[];
  /** Output too long for blocks, to upload as a file next to the message. */
  upload?: { filename: string; title: string; content: string };
}

export interface SlackFormatOptions {
  /** Output past this many characters is uploaded as a file. @default 12000 */
  uploadThreshold?: number;
  /** Slack's limit for one section's text. @default 3000 */
  sectionChars?: number;
  /** Slack's limit of blocks per message. @default 50 */
  maxBlocks?: number;
  /** Budget for all block text together; Slack rejects messages near 13k even when each block fits. @default 11000 */
  totalChars?: number;
}

/** Slack's Block Kit limits for a button. */
const BUTTON_TEXT = 75;
const BUTTON_VALUE = 2000;
const ACTION_ID = 255;
const BUTTONS_PER_BLOCK = 25;
/** Characters of the fallback `text`; Slack advises at most about 4,000. */
const FALLBACK_CHARS = 3000;
/** Characters of output shown inline when the whole output goes into a file. */
const PREVIEW_CHARS = 1500;
const FENCE_OVERHEAD = '```\n\n```'.length;

const TONE_EMOJI: Record<MessageTone, string> = {
  success: ':white_check_mark:',
  failure: ':x:',
  warning: ':warning:',
  info: ':information_source:',
};

/** Escapes the three characters mrkdwn gives meaning to (Slack's own rule: `& < >`, nothing else). */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// A ``` inside output would close the code block early; a zero-width space keeps it visible but inert.
function neutraliseFences(s: string): string {
  return s.replace(/```/g, '``\u200b`');
}

// The largest cut at or before `max` that splits no surrogate pair and no `&amp;`-style entity.
function safeCut(s: string, max: number): number {
  let cut = Math.min(max, s.length);
  if (cut < s.length) {
    const code = s.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    const amp = s.lastIndexOf('&', cut - 1);
    if (amp >= 0 && amp > cut - 5 && s.indexOf(';', amp) >= cut) cut = amp;
  }
  return Math.max(cut, 1);
}

/** Splits text into pieces of at most `max` characters, preferring line breaks. */
export function splitText(s: string, max: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (rest.length > max) {
    let cut = safeCut(rest, max);
    const nl = rest.lastIndexOf('\n', cut - 1);
    if (nl >= Math.floor(max / 2)) cut = nl + 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) out.push(rest);
  return out;
}

function head(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, safeCut(s, max - 1))}…`;
}

function tail(s: string, max: number): string {
  if (s.length <= max) return s;
  let start = s.length - (max - 1);
  const code = s.charCodeAt(start);
  if (code >= 0xdc00 && code <= 0xdfff) start += 1;
  const amp = s.indexOf(';', start);
  if (amp >= 0 && amp < start + 5 && s.lastIndexOf('&', amp) < start) start = amp + 1;
  return `…${s.slice(start)}`;
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function context(text: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

function codeSections(body: string, max: number): SlackBlock[] {
  return splitText(body, max - FENCE_OVERHEAD).map((c) => section(`\`\`\`\n${c}\n\`\`\``));
}

function link(url: string, label: string): string {
  return `<${url.replace(/[<>|]/g, encodeURIComponent)}|${label}>`;
}

function buttons(msg: OutboundMessage): SlackBlock[] {
  const list = (msg.buttons ?? []).slice(0, BUTTONS_PER_BLOCK);
  if (list.length === 0) return [];
  const elements = list.map((b): SlackButton => {
    const button: SlackButton = {
      type: 'button',
      text: { type: 'plain_text', text: head(b.label, BUTTON_TEXT), emoji: true },
      action_id: `squall:${b.id}`.slice(0, ACTION_ID),
      value: b.value.slice(0, BUTTON_VALUE),
    };
    if (b.style) button.style = b.style;
    return button;
  });
  return [{ type: 'actions', elements }];
}

function blockChars(blocks: SlackBlock[]): number {
  let n = 0;
  for (const b of blocks) {
    if (b.type === 'section') n += b.text.text.length;
    else if (b.type === 'context') for (const e of b.elements) n += e.text.length;
    else for (const e of b.elements) n += e.text.text.length + e.value.length;
  }
  return n;
}

/**
 * Renders a platform-neutral message as Slack mrkdwn and Block Kit: a title line with an emoji per
 * tone, the text, output in code blocks, a link to the full output, and buttons. Output that does
 * not fit Slack's limits (3,000 characters per section, 50 blocks, about 12k in all) is split; past
 * `uploadThreshold` it becomes a file to upload, with its last lines shown inline.
 *
 * @example
 * const { text, blocks, upload } = formatSlackMessage({ text: 'done', tone: 'success', code: out }, { uploadThreshold: 12000 });
 */
export function formatSlackMessage(msg: OutboundMessage, opts: SlackFormatOptions = {}): SlackRendered {
  const threshold = opts.uploadThreshold ?? 12_000;
  const sectionChars = opts.sectionChars ?? 3000;
  const maxBlocks = opts.maxBlocks ?? 50;
  const totalChars = opts.totalChars ?? 11_000;
  const emoji = msg.tone ? `${TONE_EMOJI[msg.tone]} ` : '';

  // Output is `code` when given; otherwise a long `text` (alias results often carry their output
  // in ``` fences inside the text) is treated as the output itself.
  const textIsOutput = msg.code === undefined && msg.text.length > threshold;
  const output = msg.code ?? (textIsOutput ? msg.text : undefined);
  const upload = output !== undefined && output.length > threshold;

  const top: SlackBlock[] = [];
  if (msg.title) top.push(section(`${emoji}*${escapeMrkdwn(msg.title)}*`));
  const lead = msg.title ? '' : emoji;
  const bottom: SlackBlock[] = [];
  if (upload) {
    bottom.push(context(`Output (${output.length.toLocaleString('en-US')} characters) is attached as a file.`));
  }
  if (msg.moreUrl) bottom.push(context(link(msg.moreUrl, 'Full output')));
  bottom.push(...buttons(msg));

  const middle: SlackBlock[] = [];
  const budget = () => totalChars - blockChars(top) - blockChars(middle) - blockChars(bottom);
  const blocksLeft = () => maxBlocks - top.length - middle.length - bottom.length;

  if (!textIsOutput && msg.text.trim() !== '') {
    const text = escapeMrkdwn(msg.text);
    const room = Math.max(200, Math.min(text.length + lead.length, budget() - (output ? 1000 : 0)));
    const shown = text.length + lead.length <= room ? text : head(text, room - lead.length);
    const pieces = splitText(`${lead}${shown}`, sectionChars);
    middle.push(...pieces.slice(0, Math.max(1, blocksLeft() - 1)).map(section));
  } else if (lead !== '' && !textIsOutput) {
    middle.push(section(lead.trim()));
  }

  if (output !== undefined) {
    const body = neutraliseFences(escapeMrkdwn(output));
    const room = Math.min(budget(), (blocksLeft() - (textIsOutput && lead ? 1 : 0)) * (sectionChars - FENCE_OVERHEAD));
    if (textIsOutput && lead) middle.push(section(lead.trim()));
    if (upload) {
      middle.push(...codeSections(tail(body, Math.min(PREVIEW_CHARS, room)), sectionChars));
    } else if (body.length + FENCE_OVERHEAD * Math.ceil(body.length / sectionChars) <= room) {
      middle.push(...codeSections(body, sectionChars));
    } else {
      // Over the block budget but under the upload threshold (a raised threshold): keep the end,
      // where errors usually are, and say how much was left out.
      const keep = Math.max(100, room - FENCE_OVERHEAD * (Math.ceil(room / sectionChars) + 1) - 80);
      const cut = body.length - keep;
      middle.push(context(`${cut.toLocaleString('en-US')} characters of output not shown.`));
      middle.push(...codeSections(tail(body, keep), sectionChars));
    }
  }

  const fallbackParts = [
    msg.title ? `${emoji}${msg.title}` : '',
    textIsOutput ? '' : `${msg.title ? '' : emoji}${msg.text}`,
  ];
  let fallback = escapeMrkdwn(fallbackParts.filter((p) => p.trim() !== '').join('\n'));
  if (fallback.trim() === '') fallback = output !== undefined ? escapeMrkdwn(head(output, 200)) : ' ';
  const rendered: SlackRendered = {
    text: head(fallback, FALLBACK_CHARS),
    blocks: [...top, ...middle, ...bottom].slice(0, maxBlocks),
  };
  if (upload) {
    rendered.upload = {
      filename: msg.code === undefined ? 'squall-result.txt' : 'squall-output.txt',
      title: msg.title ?? 'Output',
      content: output,
    };
  }
  return rendered;
}
