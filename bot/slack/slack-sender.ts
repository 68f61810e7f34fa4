import { webApi } from '@slack/bolt';
import type { JsonObject, JsonValue } from '../../engine/model/json.js';
import type { SendFailure } from '../outbox/channel-outbox.js';

/** One queued Web API operation, as stored in the outbox (JSON). */
export type SlackOp =
  | { op: 'post'; channel: string; thread_ts?: string; text: string; blocks?: JsonValue[] }
  | { op: 'ephemeral'; channel: string; user: string; thread_ts?: string; text: string; blocks?: JsonValue[] }
  | { op: 'update'; channel: string; ts: string; text: string; blocks?: JsonValue[] }
  | { op: 'upload'; channel: string; thread_ts?: string; filename: string; title: string; content: string };

/** Platform errors that mean "Slack is having trouble", not "this message is wrong". */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);
/** Platform errors about the blocks alone: the message still goes out as text. */
const BAD_BLOCKS = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_blocks_too_long', 'too_many_blocks']);

interface CodedError {
  code?: unknown;
  retryAfter?: unknown;
  statusCode?: unknown;
  data?: { error?: unknown };
  message?: unknown;
}

/** Maps what the WebClient threw to what the outbox should do about it. */
export function classifySlackError(e: unknown): SendFailure {
  const err = (typeof e === 'object' && e !== null ? e : {}) as CodedError;
  const { ErrorCode } = webApi;
  switch (err.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', retryAfterMs: (typeof err.retryAfter === 'number' ? err.retryAfter : 1) * 1000 };
    case ErrorCode.HTTPError: {
      const status = typeof err.statusCode === 'number' ? err.statusCode : 0;
      return status >= 500 || status === 408 || status === 429
        ? { kind: 'unavailable', reason: `HTTP ${status}` }
        : { kind: 'rejected', reason: `HTTP ${status}` };
    }
    case ErrorCode.RequestError:
      return { kind: 'unavailable', reason: String(err.message ?? 'network error') };
    case ErrorCode.PlatformError: {
      const code = String(err.data?.error ?? 'unknown_error');
      if (code === 'ratelimited') return { kind: 'rate_limited', retryAfterMs: 1000 };
      return TRANSIENT.has(code) ? { kind: 'unavailable', reason: code } : { kind: 'rejected', reason: code };
    }
    default:
      return { kind: 'rejected', reason: e instanceof Error ? e.message : String(e) };
  }
}

function platformError(e: unknown): string | undefined {
  const err = (typeof e === 'object' && e !== null ? e : {}) as CodedError;
  return err.code === webApi.ErrorCode.PlatformError ? String(err.data?.error) : undefined;
}

/**
 * Runs queued operations against the Web API. Rate limits and errors are not handled here but
 * thrown to the outbox, so the client must be built with `retryConfig: { retries: 0 }` and
 * `rejectRateLimitedCalls: true`.
 */
export class SlackSender {
  readonly #client: InstanceType<typeof webApi.WebClient>;

  constructor(client: InstanceType<typeof webApi.WebClient>) {
    this.#client = client;
  }

  async send(payload: JsonObject): Promise<JsonObject> {
    const op = payload as unknown as SlackOp;
    switch (op.op) {
      case 'post':
      case 'ephemeral':
      case 'update':
        return this.#message(op);
      case 'upload': {
        const args: webApi.FilesUploadV2Arguments = {
          channel_id: op.channel,
          file: Buffer.from(op.content, 'utf8'),
          filename: op.filename,
          title: op.title,
        };
        if (op.thread_ts) (args as { thread_ts?: string }).thread_ts = op.thread_ts;
        const r = await this.#client.filesUploadV2(args);
        const files = (r as { files?: { files?: { id?: string }[] }[] }).files ?? [];
        return { file_id: files[0]?.files?.[0]?.id ?? null };
      }
      default:
        throw new Error(`unknown Slack outbox operation ${String((op as { op?: unknown }).op)}`);
    }
  }

  async #message(op: Extract<SlackOp, { op: 'post' | 'ephemeral' | 'update' }>): Promise<JsonObject> {
    const method = op.op === 'post' ? 'chat.postMessage' : op.op === 'update' ? 'chat.update' : 'chat.postEphemeral';
    const args: Record<string, unknown> = { channel: op.channel, text: op.text };
    if (op.blocks && op.blocks.length > 0) args.blocks = op.blocks;
    if (op.op === 'update') args.ts = op.ts;
    else if (op.thread_ts) args.thread_ts = op.thread_ts;
    if (op.op === 'ephemeral') args.user = op.user;
    if (op.op === 'post') {
      args.unfurl_links = false;
      args.unfurl_media = false;
    }
    let r: webApi.WebAPICallResult;
    try {
      r = await this.#client.apiCall(method, args);
    } catch (e) {
      // A renderer bug must not cost the user the message: send it again as plain text.
      const code = platformError(e);
      if (code === undefined || !BAD_BLOCKS.has(code) || args.blocks === undefined) throw e;
      delete args.blocks;
      r = await this.#client.apiCall(method, args);
    }
    const res = r as { ts?: string; message_ts?: string; channel?: string };
    return { ts: res.ts ?? res.message_ts ?? null, channel: res.channel ?? op.channel };
  }
}
