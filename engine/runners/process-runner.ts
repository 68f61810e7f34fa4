import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import type { OutputStream } from '../model/execution.js';
import { OutputTail } from './output-tail.js';
import { armTimeout, CANCELED_MESSAGE, stopKind, timeoutMessage } from './run-signal.js';
import type { RunContext, RunOutcome } from './runner.js';
import { shellResult, signalReturnCode } from './shell-result.js';

/** Options shared by the runners that start a local process. */
export interface ProcessRunnerOptions {
  /** Most characters of stdout, and of stderr, kept in the result (the tail is kept). @default 1048576 */
  maxOutputChars?: number;
  /** Time between SIGTERM and SIGKILL to the process group on cancel or timeout. @default 2000 */
  killGraceMs?: number;
  /**
   * How long to wait for stdout/stderr to close once the command exited. A background child
   * (`cmd &` without redirection) keeps them open; after this the run ends and the child is left alone,
   * as a daemon the action meant to start. @default 1000
   */
  drainGraceMs?: number;
}

export type ResolvedProcessOptions = Readonly<Required<ProcessRunnerOptions>>;

export function resolveProcessOptions(opts: ProcessRunnerOptions = {}): ResolvedProcessOptions {
  return Object.freeze({
    maxOutputChars: opts.maxOutputChars ?? 1024 * 1024,
    killGraceMs: opts.killGraceMs ?? 2000,
    drainGraceMs: opts.drainGraceMs ?? 1000,
  });
}

/** What to start: an executable and its arguments, never a shell line built from parameters. */
export interface ProcessSpec {
  file: string;
  args: string[];
  cwd?: string;
  env: Record<string, string>;
  /** Written to stdin, then stdin is closed (sudo's password). Without it stdin is /dev/null. */
  stdin?: string;
  /**
   * Opens a fourth pipe (the child's fd 3) and hands over what the child writes there: a channel for
   * a result that the action's own printing on stdout cannot corrupt (the python-script wrapper).
   */
  onFd3?: (data: string) => void;
}

/** How a process ended, for a runner to shape into its result. */
export interface ProcessEnd {
  /** Set when the run was stopped by its timeout or a cancel (the group was killed). */
  stopped?: 'timeout' | 'cancel';
  /** The exit code; a signal is its negative number, 255 when it never started; -9/-15 when stopped. */
  code: number;
  /** Why it could not start, or what stopped it (StackStorm's messages). */
  error?: string;
  stdout: OutputTail;
  stderr: OutputTail;
}

/** Turns a process's end into the runner's outcome. */
export type OutcomeShaper = (end: ProcessEnd) => RunOutcome;

/** The shell runners' outcome: StackStorm's `{succeeded, failed, return_code, stdout, stderr}`. */
export const shellOutcome: OutcomeShaper = (end) => {
  const extra = end.error === undefined ? undefined : { error: end.error };
  const result = shellResult(end.code, end.stdout, end.stderr, extra);
  if (end.stopped === 'timeout') return { status: 'timeout', result };
  if (end.stopped === 'cancel') return { status: 'canceled', result };
  return { status: end.code === 0 && extra === undefined ? 'succeeded' : 'failed', result };
};

/** A result for a run that could not start (missing cwd, missing interpreter, ...). */
export function startFailure(error: string): RunOutcome {
  return {
    status: 'failed',
    result: { succeeded: false, failed: true, return_code: 255, stdout: '', stderr: '', error },
  };
}

/** The parent's environment, then the action's `env` parameter, then Squall's ST2_ACTION_* variables. */
/**
 * Squall's own secrets in its environment (chat tokens, API keys, broker and database URLs with
 * passwords) are not the action's business: a `!run env` in chat must not print them.
 */
const PRIVATE_ENV = /^SQUALL_(SLACK_|TEAMS_|DISCORD_|API_KEY$|AUTH_TOKEN$|AMQP_URL$|MONGODB_URL$)/;

export function childEnv(paramEnv: Record<string, string>, ctxEnv: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !PRIVATE_ENV.test(k)) env[k] = v;
  return Object.assign(env, paramEnv, ctxEnv);
}

/**
 * Wraps a command in sudo unless Squall already runs as root. `-n` fails at once rather than waiting
 * for a password nobody will type; with a password, `-S` reads it from stdin.
 */
export function withSudo(spec: ProcessSpec, sudo: boolean, password: string | undefined): ProcessSpec {
  if (!sudo || process.getuid?.() === 0) return spec;
  const flags = password === undefined ? ['-n'] : ['-S', '-p', ''];
  return {
    ...spec,
    file: 'sudo',
    args: [...flags, '-E', '--', spec.file, ...spec.args],
    ...(password === undefined ? {} : { stdin: `${password}\n` }),
  };
}

function safeEmit(ctx: RunContext, stream: OutputStream, data: string): void {
  try {
    ctx.emit(stream, data);
  } catch (e) {
    ctx.logger.warn('could not stream output', { error: e instanceof Error ? e.message : String(e) });
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the whole group is already gone.
  }
}

/** Names the first part of the spec (never its value) that holds a NUL byte. */
function nulByteIn(spec: ProcessSpec): string | undefined {
  if (spec.file.includes('\0')) return 'The command';
  if (spec.cwd?.includes('\0')) return 'The working directory';
  const arg = spec.args.findIndex((a) => a.includes('\0'));
  if (arg >= 0) return `Argument ${arg + 1}`;
  for (const [k, v] of Object.entries(spec.env)) {
    if (k.includes('\0') || v.includes('\0')) return `Environment variable ${JSON.stringify(k.replaceAll('\0', ''))}`;
  }
  return undefined;
}

/**
 * Runs one process in its own process group and turns it into StackStorm's shell result. Output is
 * streamed through `ctx.emit` as it arrives. On abort the whole group gets SIGTERM, then SIGKILL, so
 * that grandchildren die with the command.
 */
export async function runProcess(
  ctx: RunContext,
  spec: ProcessSpec,
  opts: ResolvedProcessOptions,
  shape: OutcomeShaper = shellOutcome,
): Promise<RunOutcome> {
  // spawn() throws for a NUL byte and quotes the offending value in its message, which may be a secret.
  const nul = nulByteIn(spec);
  if (nul) return startFailure(`${nul} contains a NUL byte, which a process cannot receive`);
  if (spec.cwd !== undefined) {
    const isDir = await stat(spec.cwd).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) return startFailure(`Working directory "${spec.cwd}" does not exist or is not a directory`);
  }
  const armed = armTimeout(ctx.signal, ctx.timeoutS);
  try {
    return shape(await spawnAndWait(ctx, spec, opts, armed.signal, () => armed.firedAfterS() ?? ctx.timeoutS));
  } finally {
    armed.dispose();
  }
}

function spawnAndWait(
  ctx: RunContext,
  spec: ProcessSpec,
  opts: ResolvedProcessOptions,
  signal: AbortSignal,
  timeoutS: () => number,
): Promise<ProcessEnd> {
  const stdout = new OutputTail(opts.maxOutputChars);
  const stderr = new OutputTail(opts.maxOutputChars);
  const stoppedEnd = (): ProcessEnd => {
    if (stopKind(signal) === 'timeout') {
      return { stopped: 'timeout', code: -9, error: timeoutMessage(timeoutS()), stdout, stderr };
    }
    return { stopped: 'cancel', code: -15, error: CANCELED_MESSAGE, stdout, stderr };
  };
  if (signal.aborted) return Promise.resolve(stoppedEnd());

  return new Promise<ProcessEnd>((resolve) => {
    const stdio: ('ignore' | 'pipe')[] = [spec.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'];
    if (spec.onFd3) stdio.push('pipe');
    const child = spawn(spec.file, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio,
    });
    if (child.pid !== undefined) ctx.processGroupStarted?.(child.pid);
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: Error | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let done = false;

    const onAbort = (): void => {
      if (child.pid === undefined) return;
      killGroup(child.pid, 'SIGTERM');
      const pid = child.pid;
      killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), opts.killGraceMs);
    };

    const outcome = (): ProcessEnd => {
      if (signal.aborted) return stoppedEnd();
      if (spawnError)
        return { code: 255, error: `Could not start ${spec.file}: ${spawnError.message}`, stdout, stderr };
      return { code: exit?.code ?? signalReturnCode(exit?.signal, osConstants.signals), stdout, stderr };
    };

    const finish = (): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      if (drainTimer) clearTimeout(drainTimer);
      if (killTimer) {
        // Aborted: whatever is left of the group ignored SIGTERM or has not handled it yet.
        clearTimeout(killTimer);
        if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      extra?.destroy();
      resolve(outcome());
    };

    signal.addEventListener('abort', onAbort, { once: true });
    const extra = spec.onFd3 ? (child.stdio[3] as NodeJS.ReadableStream & { destroy(): void }) : undefined;
    if (extra && spec.onFd3) {
      extra.setEncoding('utf8');
      extra.on('data', spec.onFd3);
    }
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      stdout.push(d);
      safeEmit(ctx, 'stdout', d);
    });
    child.stderr?.on('data', (d: string) => {
      stderr.push(d);
      safeEmit(ctx, 'stderr', d);
    });
    if (spec.stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => {}); // the command may exit without reading it
      child.stdin.end(spec.stdin);
    }
    child.on('error', (e) => {
      spawnError = e;
      finish();
    });
    child.on('exit', (code, sig) => {
      exit = { code, signal: sig };
      if (!signal.aborted) drainTimer = setTimeout(finish, opts.drainGraceMs);
    });
    child.on('close', finish);
  });
}
