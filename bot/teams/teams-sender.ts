import type { JsonObject } from '../../engine/model/json.js';
import type { SendFailure } from '../outbox/channel-outbox.js';
import { type BotFrameworkHost, connectorFailure } from './bot-framework-host.js';
import type { TeamsReferences } from './teams-references.js';

/** One queued connector operation, as stored in the outbox (JSON). */
export type TeamsOp =
  | { op: 'post'; conversation: string; replyTo?: string; activity: JsonObject }
  | { op: 'update'; conversation: string; activityId: string; activity: JsonObject };

/** Maps a failed send to what the outbox should do: wait out 429, retry outages, drop refusals. */
export function classifyTeamsError(e: unknown): SendFailure {
  const f = connectorFailure(e);
  if (f.status === 429) return { kind: 'rate_limited', retryAfterMs: f.retryAfterMs ?? 1000 };
  if (f.status === 0 || f.status >= 500 || f.status === 408 || f.status === 412) {
    return { kind: 'unavailable', reason: f.reason };
  }
  return { kind: 'rejected', reason: f.reason };
}

/**
 * Runs queued operations through the Bot Framework host, using the stored conversation reference
 * of each conversation. A message Teams refuses as too large (413) goes out again as text only.
 */
export class TeamsSender {
  constructor(
    private readonly host: BotFrameworkHost,
    private readonly refs: TeamsReferences,
  ) {}

  async send(payload: JsonObject): Promise<JsonObject> {
    const op = payload as unknown as TeamsOp;
    const stored = await this.refs.get(op.conversation);
    if (!stored)
      throw Object.assign(new Error(`no conversation reference for ${op.conversation}`), { statusCode: 404 });
    const ref: JsonObject = { ...stored };
    if (op.op === 'post') {
      // Results reply to the command; messages without one go to the conversation (its reply chain).
      if (op.replyTo) ref.activityId = op.replyTo;
      else delete ref.activityId;
    }
    const run = (activity: JsonObject) =>
      op.op === 'post'
        ? this.host.send(ref, activity)
        : this.host.update(ref, op.activityId, activity).then(() => op.activityId);
    try {
      return { id: await run(op.activity) };
    } catch (e) {
      if (connectorFailure(e).status !== 413 || !op.activity.attachments) throw e;
      const text = String(op.activity.text ?? '');
      return { id: await run({ type: 'message', textFormat: 'markdown', text: `${text.slice(0, 1000)}\n… (cut)` }) };
    }
  }
}
