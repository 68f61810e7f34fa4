import type { ActionAlias } from '../../engine/model/alias.js';
import type { Execution } from '../../engine/model/execution.js';
import type { JsonObject, JsonValue } from '../../engine/model/json.js';
import { renderTemplate } from '../../engine/templates/templates.js';
import { durationText } from '../../lib/duration-text.js';
import type { MessageTone, OutboundMessage } from '../chat-adapter.js';

export function toneFor(status: string): MessageTone {
  if (status === 'succeeded') return 'success';
  if (status === 'canceled') return 'warning';
  return 'failure';
}

/** How long a finished execution took (`12.3 s`, `2 min 00 s`); empty while it runs. */
function tookText(e: Pick<Execution, 'start_timestamp' | 'end_timestamp'>): string {
  if (!e.end_timestamp) return '';
  return durationText(Date.parse(e.end_timestamp) - Date.parse(e.start_timestamp));
}

function text(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

function shellOutput(r: JsonObject): string {
  const parts: string[] = [];
  const out = text(r.stdout);
  const err = text(r.stderr);
  if (out) parts.push(out);
  if (err) parts.push(out ? `--- stderr ---\n${err}` : err);
  if (r.error) parts.push(text(r.error));
  return parts.join('\n');
}

/** The output part of a result, readable for each runner's shape. */
export function resultOutput(e: Execution): string {
  const r = e.result ?? {};
  if ('stdout' in r || 'stderr' in r || 'return_code' in r) return shellOutput(r);
  if ('status_code' in r) return `HTTP ${text(r.status_code)}\n${text(r.body)}`.trim();
  const hosts = Object.entries(r).filter(
    ([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v) && 'return_code' in v,
  );
  if (hosts.length > 0 && hosts.length === Object.keys(r).length) {
    return hosts.map(([h, v]) => `[${h}] ${shellOutput(v as JsonObject) || '(no output)'}`).join('\n');
  }
  if (Object.keys(r).length === 0) return '';
  return JSON.stringify(r, null, 2);
}

function cut(s: string, max: number, pointer: string): { text: string; cut: boolean } {
  if (s.length <= max) return { text: s, cut: false };
  // Keep the end: the last lines of output are usually the ones that explain a failure.
  const keep = Math.max(0, max - pointer.length - 2);
  return { text: `…${s.slice(s.length - keep)}`, cut: true };
}

export interface RenderResultOptions {
  maxLength: number;
  /** Where the full output can be read. */
  moreUrl?: string;
  prefix: string;
  /** For a workflow: its tasks summarised (bot/notify/task-summary.ts), shown above the output. */
  tasks?: string;
}

/**
 * The message posted when a chat command's execution ends: the alias's `result.format` when it has
 * one, else status, duration and output in a code block, cut to the platform's limit with a pointer
 * to the full output. Returns undefined when the alias disabled results.
 */
export function renderResult(
  e: Execution,
  presented: JsonObject,
  alias: ActionAlias | undefined,
  opts: RenderResultOptions,
  onTemplateError: (message: string) => void,
): OutboundMessage | undefined {
  if (alias?.result?.enabled === false) return undefined;
  const tone = toneFor(e.status);
  const took = tookText(e);
  // Adapters show the status colour or icon from `tone`, so the title stays plain words.
  const title = `${e.action.ref} ${e.status}${took ? ` in ${took}` : ''} (execution ${e.id})`;
  const pointer = `Output cut; full output: \`squall execution get ${e.id}\`${opts.moreUrl ? ` or ${opts.moreUrl}` : ''}`;
  if (alias?.result?.format) {
    try {
      const body = renderTemplate(alias.result.format, { execution: presented, alias }).trim();
      const c = cut(body, opts.maxLength - title.length - 8, pointer);
      return {
        title,
        text: c.cut ? `${c.text}\n${pointer}` : c.text,
        tone,
        ...(c.cut && opts.moreUrl ? { moreUrl: opts.moreUrl } : {}),
      };
    } catch (err) {
      onTemplateError((err as Error).message);
      // Fall through to the default rendering with a plain note; never a stack trace.
      const base = renderResult(e, presented, undefined, opts, onTemplateError);
      return base && { ...base, text: `${base.text}\n(The alias's result message could not be rendered.)` };
    }
  }
  const output = resultOutput(e);
  const summary = opts.tasks === undefined ? undefined : cut(opts.tasks, Math.floor(opts.maxLength / 3), '').text;
  const c = cut(output, opts.maxLength - title.length - 64 - (summary?.length ?? 0), pointer);
  const note = c.cut ? pointer : output ? '' : '(no output)';
  return {
    title,
    text: summary === undefined ? note : [summary, note].filter(Boolean).join('\n'),
    ...(output ? { code: c.text } : {}),
    tone,
    ...(c.cut && opts.moreUrl ? { moreUrl: opts.moreUrl } : {}),
  };
}
