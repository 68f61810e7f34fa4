import { rolesCan } from '../engine/auth/permissions.js';
import { isTerminal } from '../engine/model/execution.js';
import type { Store } from '../engine/store/store.js';
import { durationText } from '../lib/duration-text.js';
import type { OutboundMessage } from './chat-adapter.js';
import type { ChatIdentity } from './identity.js';
import { resultOutput, toneFor } from './notify/render-result.js';
import { taskTree } from './notify/task-summary.js';

const SHOW = /^show\s+execution(?:\s+(\S+))?\s*$/i;

/** `show execution ID`: the execution's id, or '' when the id is missing; undefined when it is another command. */
export function parseShowExecution(command: string): string | undefined {
  const m = SHOW.exec(command.trim());
  return m === null ? undefined : (m[1] ?? '');
}

/**
 * `!show execution ID`, as `squall execution get ID` (permission `execution:read`): status, timing
 * and, for a workflow, its task tree with each failed task's error; else the output.
 */
export async function answerShowExecution(
  id: string,
  deps: { store: Store; maxLength: number },
  who: ChatIdentity,
  prefix: string,
): Promise<OutboundMessage> {
  if (!rolesCan(who.roles, 'execution:read'))
    return { text: `You (${who.user}) may not read executions.`, tone: 'failure' };
  if (id === '') return { text: `Usage: ${prefix}show execution <id>`, tone: 'warning' };
  const e = await deps.store.executions.get(id);
  if (e === undefined) return { text: `No execution has id ${id}.`, tone: 'warning' };
  const took = e.end_timestamp
    ? ` in ${durationText(Date.parse(e.end_timestamp) - Date.parse(e.start_timestamp))}`
    : '';
  const title = `${e.action.ref} ${e.status}${took} (execution ${e.id})`;
  const tone = isTerminal(e.status) ? toneFor(e.status) : 'info';
  const body =
    e.children.length > 0
      ? ['tasks:', ...(await taskTree(deps.store, e))].join('\n')
      : resultOutput(e) || '(no output)';
  const max = Math.max(200, deps.maxLength - title.length - 32);
  return { title, code: body.length > max ? `…${body.slice(body.length - max)}` : body, text: '', tone };
}
