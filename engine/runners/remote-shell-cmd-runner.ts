import type { OutputStream } from '../model/execution.js';
import type { JsonObject } from '../model/json.js';
import { LinePrefixer } from './line-prefixer.js';
import { remoteCommand } from './remote-command.js';
import { armTimeout, CANCELED_MESSAGE, stopKind, timeoutMessage } from './run-signal.js';
import type { RunContext, Runner, RunOutcome, RunStatus } from './runner.js';
import { readBoolean, readEnv, readNumber, readString, requireString } from './runner-params.js';
import { shellResult } from './shell-result.js';
import { resolveSshAuth } from './ssh-auth.js';
import { parseHosts, type SshTarget } from './ssh-hosts.js';
import { type HostOutcome, runOnHost, type SshAuth } from './ssh-session.js';

export interface RemoteShellCmdRunnerOptions {
  /** Most characters of stdout, and of stderr, kept per host (the tail is kept). @default 1048576 */
  maxOutputChars?: number;
  /** Time allowed per host for connect, handshake and login. @default 20000 */
  readyTimeoutMs?: number;
}

type HostKind = 'succeeded' | 'failed' | 'timeout' | 'canceled';

function hostError(message: string): JsonObject {
  return { succeeded: false, failed: true, return_code: 255, stdout: '', stderr: '', error: message };
}

/** One host's entry in StackStorm's per-host result map, and how that host ended. */
function hostResult(o: HostOutcome, signal: AbortSignal, timeoutS: number): [JsonObject, HostKind] {
  switch (o.end.kind) {
    case 'exit':
      return [shellResult(o.end.code, o.stdout, o.stderr), o.end.code === 0 ? 'succeeded' : 'failed'];
    case 'error':
      return [shellResult(255, o.stdout, o.stderr, { error: o.end.message }), 'failed'];
    case 'stopped':
      return stopKind(signal) === 'timeout'
        ? [shellResult(-9, o.stdout, o.stderr, { timeout: true, error: timeoutMessage(timeoutS) }), 'timeout']
        : [shellResult(-15, o.stdout, o.stderr, { error: CANCELED_MESSAGE }), 'canceled'];
  }
}

/** StackStorm's rule: succeeded only if every host did; `timeout` only if every host timed out. */
function overallStatus(kinds: HostKind[]): RunStatus {
  if (kinds.includes('canceled')) return 'canceled';
  if (kinds.every((k) => k === 'timeout')) return 'timeout';
  return kinds.every((k) => k === 'succeeded') ? 'succeeded' : 'failed';
}

/** Streams output; with several hosts each line is prefixed `[host] ` so interleaved output stays readable. */
function hostEmitter(ctx: RunContext, target: SshTarget, prefixed: boolean): (s: OutputStream, d: string) => void {
  const prefixers = { stdout: new LinePrefixer(`[${target.label}] `), stderr: new LinePrefixer(`[${target.label}] `) };
  return (stream, data) => {
    try {
      ctx.emit(stream, prefixed ? prefixers[stream].push(data) : data);
    } catch (e) {
      ctx.logger.warn('could not stream output', { error: e instanceof Error ? e.message : String(e) });
    }
  };
}

/** The SSH runner parameters `remote-shell-cmd` and `remote-shell-script` share (StackStorm's runner.yaml). */
export const REMOTE_PARAMETERS = {
  hosts: { type: 'string', required: true, description: 'Comma-separated hosts, `host` or `host:port`.' },
  username: { type: 'string', description: 'Login user; defaults to the user Squall runs as.' },
  password: { type: 'string', secret: true, description: 'Login password.' },
  private_key: { type: 'string', secret: true, description: 'Private key text, or the path of a key file.' },
  passphrase: { type: 'string', secret: true, description: 'Passphrase of the private key.' },
  port: { type: 'integer', default: 22, description: 'SSH port for hosts that name none.' },
  cwd: { type: 'string', description: 'Working directory on the remote host.' },
  env: { type: 'object', description: 'Environment variables exported for the command.' },
  parallel: { type: 'boolean', default: true, description: 'Run on all hosts at once rather than one by one.' },
  sudo: { type: 'boolean', default: false, description: 'Run the command with sudo.' },
  sudo_password: { type: 'string', secret: true, description: 'Password sudo asks for, if it asks.' },
  timeout: { type: 'integer', default: 60, description: 'Seconds before the command is stopped.' },
} as const;

export interface RemoteRun {
  /** Shell text run on each host (after `cd cwd` and the exports). */
  cmd: string;
  /** Extra environment for the command, besides the `env` parameter and the execution's. */
  env?: Record<string, string>;
  /** Done on each host before the command (copying a script); a returned string is that host's error. */
  prepare?(target: SshTarget, auth: SshAuth, readyTimeoutMs: number): Promise<string | undefined>;
}

/** Runs `run.cmd` on every host of `ctx.parameters.hosts` and builds StackStorm's per-host result. */
export async function runRemote(
  ctx: RunContext,
  run: RemoteRun,
  options: { maxOutputChars: number; readyTimeoutMs: number },
): Promise<RunOutcome> {
  const { maxOutputChars, readyTimeoutMs } = options;
  const p = ctx.parameters;
  const targets = parseHosts(requireString(p, 'hosts'), readNumber(p, 'port', 22));
  const resolved = await resolveSshAuth(p);
  if ('error' in resolved) {
    const message = resolved.error;
    return { status: 'failed', result: Object.fromEntries(targets.map((t) => [t.label, hostError(message)])) };
  }
  const auth: SshAuth = resolved;
  const sudoPassword = readString(p, 'sudo_password');
  const command = remoteCommand({
    cmd: run.cmd,
    cwd: readString(p, 'cwd'),
    env: { ...run.env, ...readEnv(p, 'env'), ...ctx.env },
    sudo: readBoolean(p, 'sudo', false) && auth.username !== 'root',
    ...(sudoPassword === undefined ? {} : { sudoPassword }),
  });
  const armed = armTimeout(ctx.signal, ctx.timeoutS);
  try {
    const runHost = async (target: SshTarget): Promise<HostOutcome | string> => {
      const problem = await run.prepare?.(target, auth, readyTimeoutMs);
      if (problem !== undefined) return problem;
      return runOnHost({
        target,
        auth,
        command,
        ...(sudoPassword === undefined ? {} : { stdin: `${sudoPassword}\n` }),
        signal: armed.signal,
        maxOutputChars,
        readyTimeoutMs,
        onOutput: hostEmitter(ctx, target, targets.length > 1),
      });
    };
    let outcomes: (HostOutcome | string)[];
    if (readBoolean(p, 'parallel', true)) {
      outcomes = await Promise.all(targets.map(runHost));
    } else {
      outcomes = [];
      for (const t of targets) outcomes.push(await runHost(t)); // an aborted signal makes the rest 'stopped' at once
    }
    const seconds = armed.firedAfterS() ?? ctx.timeoutS;
    const result: JsonObject = {};
    const kinds: HostKind[] = [];
    outcomes.forEach((o, i) => {
      const [entry, kind] =
        typeof o === 'string' ? [hostError(o), 'failed' as const] : hostResult(o, armed.signal, seconds);
      result[targets[i]?.label ?? String(i)] = entry;
      kinds.push(kind);
    });
    return { status: overallStatus(kinds), result };
  } finally {
    armed.dispose();
  }
}

/** Output and connection limits of the SSH runners, from their options. */
export function remoteLimits(options: RemoteShellCmdRunnerOptions): { maxOutputChars: number; readyTimeoutMs: number } {
  return {
    maxOutputChars: options.maxOutputChars ?? 1024 * 1024,
    readyTimeoutMs: options.readyTimeoutMs ?? 20_000,
  };
}

/**
 * `remote-shell-cmd` (`core.remote`): runs `cmd` on each of `hosts` over SSH (ssh2) and returns
 * StackStorm's per-host map `{"<host>": {succeeded, failed, return_code, stdout, stderr}}`.
 *
 * @example
 * await createRemoteShellCmdRunner().run({ ...ctx, parameters: { cmd: 'uptime', hosts: 'web1,web2:2222' } });
 */
export function createRemoteShellCmdRunner(options: RemoteShellCmdRunnerOptions = {}): Runner {
  const limits = remoteLimits(options);
  return {
    name: 'remote-shell-cmd',
    description: 'Runs a shell command on remote hosts over SSH.',
    parameters: {
      cmd: { type: 'string', required: true, description: 'Shell command to run on each host.' },
      ...REMOTE_PARAMETERS,
    },
    run: (ctx) => runRemote(ctx, { cmd: requireString(ctx.parameters, 'cmd') }, limits),
  };
}

export const remoteShellCmdRunner: Runner = createRemoteShellCmdRunner();
