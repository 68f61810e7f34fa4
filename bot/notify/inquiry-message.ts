import { booleanProperties } from '../../engine/inquiries/response-schema.js';
import type { Inquiry } from '../../engine/model/inquiry.js';
import type { JsonObject, JsonValue } from '../../engine/model/json.js';
import type { OutboundMessage } from '../chat-adapter.js';

/** Button action ids of an inquiry's two answers (Slack wants action ids unique within a message). */
export const INQUIRY_APPROVE = 'inquiry.approve';
export const INQUIRY_REJECT = 'inquiry.reject';

/**
 * The property a yes/no answer sets: the schema's only boolean property, when nothing else is
 * required. Undefined when the answer needs more than a button (typed `respond` then).
 */
export function yesNoProperty(schema: JsonObject): string | undefined {
  const flags = booleanProperties(schema);
  if (flags.length !== 1) return undefined;
  const name = (flags[0] as { name: string }).name;
  const props = (schema.properties ?? {}) as Record<string, JsonValue>;
  const required = new Set([
    ...(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []),
    ...Object.entries(props)
      .filter(([, p]) => typeof p === 'object' && p !== null && !Array.isArray(p) && p.required === true)
      .map(([n]) => n),
  ]);
  return [...required].every((r) => r === name) ? name : undefined;
}

function who(i: Inquiry): string {
  const parts: string[] = [];
  if (i.users.length > 0) parts.push(i.users.join(', '));
  if (i.roles.length > 0) parts.push(`anyone with role ${i.roles.join(' or ')}`);
  const base = parts.length > 0 ? parts.join('; ') : 'anyone allowed to respond to inquiries (operator or admin)';
  return base;
}

function fields(i: Inquiry): string[] {
  const props = (i.schema.properties ?? {}) as Record<string, JsonValue>;
  return Object.entries(props).map(([name, p]) => {
    const spec = (typeof p === 'object' && p !== null && !Array.isArray(p) ? p : {}) as JsonObject;
    const type = typeof spec.type === 'string' ? spec.type : 'any';
    const desc = typeof spec.description === 'string' ? `: ${spec.description}` : '';
    return `• \`${name}\` (${type})${desc}`;
  });
}

/**
 * The question as posted in chat: what is asked, who may answer, and how. Buttons (one per answer)
 * where the platform has them and a yes/no answer does; a typed reply always works.
 */
export function inquiryQuestion(i: Inquiry, opts: { prefix: string; buttons: boolean }): OutboundMessage {
  const yesNo = yesNoProperty(i.schema);
  const p = opts.prefix;
  const lines = [...fields(i), `Who may answer: ${who(i)}.`];
  if (yesNo !== undefined) {
    lines.push(
      `${opts.buttons ? 'Click a button, or type' : 'Type'} \`${p}approve ${i.id}\` or \`${p}reject ${i.id}\`.`,
    );
  } else {
    const example = JSON.stringify(
      Object.fromEntries(Object.keys((i.schema.properties ?? {}) as object).map((k) => [k, '…'])),
    );
    lines.push(`Answer with \`${p}respond ${i.id} ${example}\` (JSON matching the fields above).`);
  }
  if (i.expires_at) lines.push(`Expires ${i.expires_at} if nobody answers.`);
  const msg: OutboundMessage = { title: `Approval needed (inquiry ${i.id})`, text: lines.join('\n'), tone: 'warning' };
  if (opts.buttons && yesNo !== undefined) {
    msg.buttons = [
      { id: INQUIRY_APPROVE, label: 'Approve', value: i.id, style: 'primary' },
      { id: INQUIRY_REJECT, label: 'Reject', value: i.id, style: 'danger' },
    ];
  }
  return msg;
}

/** The question once it ended: who answered what and when (or that it timed out), without buttons. */
export function inquiryOutcome(i: Inquiry): OutboundMessage {
  const title = `Approval needed (inquiry ${i.id})`;
  const asked = fields(i).join('\n');
  if (i.status === 'responded') {
    const yesNo = yesNoProperty(i.schema);
    const verdict = yesNo === undefined ? 'Answered' : i.response?.[yesNo] === true ? 'Approved' : 'Rejected';
    return {
      title,
      text: `${asked}\n${verdict} by ${i.responded_by ?? 'someone'} at ${i.responded_at ?? ''}: \`${JSON.stringify(i.response ?? {})}\``,
      tone: verdict === 'Rejected' ? 'failure' : 'success',
    };
  }
  if (i.status === 'timeout')
    return { title, text: `${asked}\nTimed out: nobody answered within ${i.ttl} minutes.`, tone: 'failure' };
  if (i.status === 'canceled')
    return { title, text: `${asked}\nCanceled: the workflow no longer waits for it.`, tone: 'warning' };
  return { title, text: asked, tone: 'warning' };
}
