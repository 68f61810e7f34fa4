import { constants as osConstants } from 'node:os';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { OutputStream } from '../model/execution.js';
import { OutputTail } from './output-tail.js';
import { RemotePidFilter } from './remote-pid-filter.js';
import { signalReturnCode } from './shell-result.js';
import type { SshTarget } from './ssh-hosts.js';

/** How to log in; the same for every host of one execution. */
export interface SshAuth {
  username: string;
  password?: string;
  privateKey?: string | Buffer;
  passphrase?: string;
  /** ssh-agent socket, used when the action gives neither password nor key. */
  agent?: string;
}

export interface HostRun {
  target: SshTarget;
  auth: SshAuth;
  command: string;
  /** Written to the command's stdin before EOF (sudo's password); otherwise stdin is just closed. */
  stdin?: string;
  signal: AbortSignal;
  maxOutputChars: number;
  /** Time allowed for TCP connect, handshake and authentication. */
  readyTimeoutMs: number;
  onOutput(stream: OutputStream, data: string): void;
}

export type HostEnd =
  /** The command ran; `code` is its exit status or minus the signal that killed it. */
  | { kind: 'exit'; code: number }
  /** Connect, auth or channel error: StackStorm reports these as return code 255. */
  | { kind: 'error'; message: string }
  /** The run was aborted (cancel or timeout) before the command finished. */
  | { kind: 'stopped' };

export interface HostOutcome {
  end: HostEnd;
  stdout: OutputTail;
  stderr: OutputTail;
}

/** How long killing the remote process group may delay the end of an aborted run. */
const KILL_WAIT_MS = 2000;

/**
 * Kills the remote command's process group over a second channel of the same connection. sshd
 * refuses `signal` requests for root logins, so this is the way that always works; resolves when done
 * or after KILL_WAIT_MS.
 */
function killRemoteGroup(client: Client, pid: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, KILL_WAIT_MS);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    try {
      client.exec(`kill -KILL -- -${pid} 2>/dev/null || kill -KILL ${pid} 2>/dev/null`, (err, ch) => {
        if (err) return done();
        ch.on('close', done);
        ch.resume();
        ch.stderr.resume();
        ch.end();
      });
    } catch {
      done();
    }
  });
}

/**
 * Runs one command on one host over SSH and collects its output. Never rejects: every way it can go
 * wrong is a `HostEnd`. On abort the remote process group is killed and the connection closed.
 */
export function runOnHost(run: HostRun): Promise<HostOutcome> {
  const stdout = new OutputTail(run.maxOutputChars);
  const stderr = new OutputTail(run.maxOutputChars);
  if (run.signal.aborted) return Promise.resolve({ end: { kind: 'stopped' }, stdout, stderr });

  return new Promise((resolve) => {
    const client = new Client();
    let channel: ClientChannel | undefined;
    let exitCode: number | undefined;
    let settled = false;
    /** Set while the remote group is being killed: the end comes from that, not from channel events. */
    let stopping = false;
    const pidFilter = new RemotePidFilter();

    const settle = (how: HostEnd, fromStop = false): void => {
      if (settled || (stopping && !fromStop)) return;
      settled = true;
      // Once aborted, whatever the channel reports next (killed, closed) is the consequence of the stop.
      const end: HostEnd = run.signal.aborted ? { kind: 'stopped' } : how;
      run.signal.removeEventListener('abort', onAbort);
      client.end();
      // A peer that never answers the disconnect must not keep the socket alive.
      setTimeout(() => client.destroy(), 2000).unref();
      resolve({ end, stdout, stderr });
    };
    const onAbort = (): void => {
      const pid = pidFilter.pid;
      if (channel === undefined || pid === undefined || exitCode !== undefined) {
        settle({ kind: 'stopped' });
        return;
      }
      stopping = true;
      try {
        channel.signal('KILL'); // honoured for non-root logins (OpenSSH >= 7.9); harmless otherwise
      } catch {
        // The channel may already be closing.
      }
      void killRemoteGroup(client, pid).then(() => settle({ kind: 'stopped' }, true));
    };
    run.signal.addEventListener('abort', onAbort, { once: true });

    client.on('ready', () => {
      client.exec(run.command, (err, ch) => {
        if (err) return settle({ kind: 'error', message: `Could not start the command: ${err.message}` });
        channel = ch;
        ch.setEncoding('utf8');
        ch.stderr.setEncoding('utf8');
        ch.on('data', (d: string) => {
          stdout.push(d);
          run.onOutput('stdout', d);
        });
        ch.stderr.on('data', (chunk: string) => {
          const d = pidFilter.push(chunk);
          if (d === '') return;
          stderr.push(d);
          run.onOutput('stderr', d);
        });
        ch.on('exit', (code: number | null, signalName?: string) => {
          exitCode = typeof code === 'number' ? code : signalReturnCode(signalName, osConstants.signals);
        });
        ch.on('close', () => {
          if (exitCode === undefined)
            settle({ kind: 'error', message: 'The connection closed before the command reported its exit status' });
          else settle({ kind: 'exit', code: exitCode });
        });
        // Close stdin as `ssh host cmd </dev/null` would, so a command reading it cannot hang.
        ch.end(run.stdin);
      });
    });
    client.on('error', (e: Error & { level?: string }) => {
      const what = e.level === 'client-authentication' ? 'Authentication failed' : 'Connection failed';
      settle({ kind: 'error', message: `${what} for ${run.auth.username}@${run.target.label}: ${e.message}` });
    });
    client.on('close', () =>
      settle({ kind: 'error', message: `Connection to ${run.target.label} closed unexpectedly` }),
    );

    const cfg: ConnectConfig = {
      host: run.target.host,
      port: run.target.port,
      username: run.auth.username,
      readyTimeout: run.readyTimeoutMs,
      keepaliveInterval: 15_000,
      // StackStorm (paramiko AutoAddPolicy) accepts any host key; so does Squall for now.
    };
    if (run.auth.password !== undefined) cfg.password = run.auth.password;
    if (run.auth.privateKey !== undefined) cfg.privateKey = run.auth.privateKey;
    if (run.auth.passphrase !== undefined) cfg.passphrase = run.auth.passphrase;
    if (run.auth.agent !== undefined) cfg.agent = run.auth.agent;
    try {
      client.connect(cfg);
    } catch (e) {
      // ssh2 throws at once for a key it cannot parse (wrong format, wrong passphrase).
      settle({ kind: 'error', message: `Cannot use the private key: ${e instanceof Error ? e.message : String(e)}` });
    }
  });
}
