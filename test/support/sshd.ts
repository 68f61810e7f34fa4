import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const SSHD_PATH = '/usr/sbin/sshd';

/** Why the sshd tests cannot run here, or undefined when they can. */
export function sshdUnavailableReason(): string | undefined {
  if (!existsSync(SSHD_PATH)) return `${SSHD_PATH} not found (install openssh-server)`;
  if (!existsSync('/usr/bin/ssh-keygen')) return '/usr/bin/ssh-keygen not found';
  return undefined;
}

export interface TestSshd {
  port: number;
  /** The user the server lets in (the one running the tests). */
  username: string;
  /** Path of an authorised client private key (ed25519, no passphrase). */
  clientKeyPath: string;
  clientKeyText: string;
  /** A valid key the server does not accept. */
  strangerKeyText: string;
  /** sshd's own log (-e), for diagnosing a failed test. */
  log(): string;
  stop(): Promise<void>;
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'squall-test', '-f', file], { stdio: 'ignore' });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something on the port answers with an SSH banner. */
async function waitForBanner(port: number, child: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`sshd exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.setTimeout(1000);
      sock.once('data', (d) => {
        sock.destroy();
        resolve(d.toString().startsWith('SSH-'));
      });
      sock.once('error', () => resolve(false));
      sock.once('timeout', () => {
        sock.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`sshd did not answer on port ${port}`);
}

/**
 * Starts a real OpenSSH server on loopback (IPv4 and, where available, IPv6) with a fresh host key and
 * one authorised fresh client key, in a temp dir that `stop()` removes.
 */
export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'squall-sshd-'));
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  keygen(join(dir, 'stranger_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  // sshd refuses to start without its privilege separation directory.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        // A second loopback address lets a test tell two "hosts" apart ($SSH_CONNECTION names it).
        'ListenAddress 127.0.0.2',
        'ListenAddress ::1',
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'UsePAM no',
        'PermitRootLogin yes',
        'StrictModes no',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        // remote-shell-script copies its script over SFTP.
        'Subsystem sftp internal-sftp',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    const child = spawn(SSHD_PATH, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      log += d;
    });
    try {
      await waitForBanner(port, child, 10_000);
    } catch (e) {
      lastError = new Error(`${(e as Error).message}: ${log}`);
      child.kill('SIGKILL');
      continue;
    }
    return {
      port,
      username: execFileSync('id', ['-un'], { encoding: 'utf8' }).trim(),
      clientKeyPath: join(dir, 'client_key'),
      clientKeyText: readFileSync(join(dir, 'client_key'), 'utf8'),
      strangerKeyText: readFileSync(join(dir, 'stranger_key'), 'utf8'),
      log: () => log,
      stop: async () => {
        if (child.exitCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error('sshd did not start');
}
