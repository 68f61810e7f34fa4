import type { Readable, Writable } from 'node:stream';
import { Sleeper } from '../../lib/sleeper.js';
import type { OutboundMessage } from '../chat-adapter.js';
import { CliAdapter } from './cli-adapter.js';
import { formatForTerminal } from './cli-format.js';
import { shellChannel } from './shell-channel.js';

/** Where a chat command goes: the server answers with the ack (or the error) at once. */
export const CHATOPS_MESSAGES_PATH = '/api/v1/chatops/messages';
/** The stream event that carries results posted to chat (StackStorm's announcement route). */
export const CHATOPS_EVENT = 'st2.announcement__chatops';

/**
 * The slice of an HTTP client the remote shell needs. The CLI's ApiClient satisfies it; keeping it
 * this narrow lets the shell live in bot/ without depending on the CLI.
 */
export interface RemoteChatApi {
  readonly baseUrl: string;
  post<T>(path: string, body?: unknown): Promise<T>;
  stream(opts: { events: string[]; onEvent(e: { event: string; data: unknown }): void }): {
    readonly opened: Promise<boolean>;
    readonly closed: Promise<void>;
    close(): void;
  };
}

export interface RemoteShellOptions {
  api: RemoteChatApi;
  input: Readable;
  output: Writable;
  /** The chat user id sent with each message; the server maps it to a Squall user. Absent: the API caller. */
  user?: string;
  /** Shown in the prompt. @default user, else 'you' */
  displayName?: string;
  /** The Squall user the server knows the caller as (`GET /api/v1/user`); names the channel. */
  owner?: string;
  /**
   * @default `shell-<owner>-<pid>`, unique to this shell so that results come back only here. The
   * server lets only its owner post to it.
   */
  channel?: string;
  /** @default false */
  color?: boolean;
  historyFile?: string;
  /** How long to wait for the stream before warning that results will not show. @default 3000 */
  streamWaitMs?: number;
  /**
   * When input that is not a terminal ends (`echo '!run date' | squall shell`), how long to wait for
   * the results still owed before leaving. A person at a terminal leaves at once. @default 60000
   */
  resultWaitMs?: number;
}

/**
 * `squall shell`: the terminal chat room against a running server. Typed lines go to
 * `POST /api/v1/chatops/messages` and the ack prints at once; results arrive on the SSE stream as
 * `st2.announcement__chatops` events for this shell's channel. Resolves with the exit code when
 * the user leaves (Ctrl-D, or Ctrl-C on an empty line).
 */
export async function runRemoteShell(opts: RemoteShellOptions): Promise<number> {
  const name = opts.displayName ?? opts.user ?? 'you';
  const channel = opts.channel ?? shellChannel(opts.owner ?? name, process.pid);
  const adapter = new CliAdapter({
    input: opts.input,
    output: opts.output,
    user: opts.user ?? name,
    channel,
    color: opts.color,
    historyFile: opts.historyFile,
    prompt: `${name}> `,
  });
  const say = (msg: OutboundMessage) => opts.output.write(`${formatForTerminal(msg, { color: opts.color })}\n`);

  // Results owed to this shell: executions acked minus results shown (one result per execution).
  let owed = 0;
  // Waiting for the last owed results; woken when none is owed any more.
  const pause = new Sleeper();
  const stream = opts.api.stream({
    events: [CHATOPS_EVENT],
    onEvent: (e) => {
      const delivered = announcementFor(e.data, channel);
      if (!delivered) return;
      void adapter.post({ platform: 'cli', channel }, delivered.message);
      // A progress line (a command still running) is not its result.
      if (delivered.progress) return;
      owed = Math.max(0, owed - 1);
      if (owed === 0) pause.wakeAll();
    },
  });
  const ok = await Promise.race([
    stream.opened,
    new Promise<false>((r) => setTimeout(() => r(false), opts.streamWaitMs ?? 3000).unref()),
  ]);
  if (!ok) {
    say({
      tone: 'warning',
      text: `The event stream at ${opts.api.baseUrl} is not available: acks will show, results will not.`,
    });
  }

  adapter.onMessage(async (m) => {
    const res = await opts.api.post<{ reply?: OutboundMessage; execution_ids?: string[] } | undefined>(
      CHATOPS_MESSAGES_PATH,
      {
        platform: 'cli',
        channel,
        ...(opts.user ? { user: opts.user } : {}),
        text: m.text,
      },
    );
    if (ok) owed += res?.execution_ids?.length ?? 0;
    return res?.reply ? { message: res.reply } : undefined;
  });

  say({
    text: `Connected to ${opts.api.baseUrl} as ${name} (channel ${channel}). Type !help for commands; Ctrl-D to leave.`,
  });
  await adapter.start();
  try {
    await adapter.closed;
    const piped = (opts.input as { isTTY?: boolean }).isTTY !== true;
    if (piped && owed > 0) {
      await pause.sleep(opts.resultWaitMs ?? 60_000, { unref: true });
    }
  } finally {
    stream.close();
  }
  return 0;
}

/**
 * The message of a `st2.announcement__chatops` event when it is addressed to `channel` on the CLI,
 * and whether it is progress of a running command (more follows) rather than a result.
 */
function announcementFor(data: unknown, channel: string): { message: OutboundMessage; progress: boolean } | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const d = data as { payload?: unknown };
  const p = (d.payload && typeof d.payload === 'object' ? d.payload : d) as {
    platform?: unknown;
    channel?: unknown;
    message?: unknown;
    progress?: unknown;
  };
  if (p.platform !== 'cli' || p.channel !== channel) return undefined;
  const m = p.message as OutboundMessage | undefined;
  return m && typeof m === 'object' && typeof m.text === 'string'
    ? { message: m, progress: p.progress === true }
    : undefined;
}
