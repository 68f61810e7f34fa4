import { readdir } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { Client, type SFTPWrapper } from 'ssh2';
import type { ParamSpecs } from '../model/action.js';
import { existingActionFile } from './action-file.js';
import { shellQuote } from './remote-command.js';
import {
  REMOTE_PARAMETERS,
  type RemoteShellCmdRunnerOptions,
  remoteLimits,
  runRemote,
} from './remote-shell-cmd-runner.js';
import type { RunContext, Runner, RunOutcome } from './runner.js';
import { readString } from './runner-params.js';
import { actionParams, scriptArguments, scriptEnv } from './script-args.js';
import type { SshTarget } from './ssh-hosts.js';
import type { SshAuth } from './ssh-session.js';

const PARAMETERS: ParamSpecs = {
  ...REMOTE_PARAMETERS,
  cwd: { type: 'string', default: '/tmp', description: 'Working directory on the remote host.' },
  dir: { type: 'string', default: '/tmp', description: 'Remote folder the script is copied into (a folder per run).' },
  kwarg_op: { type: 'string', default: '--', description: 'Prefix of named arguments passed to the script.' },
};

/**
 * `remote-shell-script` (the `linux` pack's scripts): copies the action's script over SFTP into
 * `<dir>/<execution id>/` on each host (mode 0744), runs it there with the action's parameters as
 * arguments (positional by `position`, then `--name=value`, each shell-quoted) and as `ST2_PARAM_*`
 * environment variables, then removes the folder. Results as `remote-shell-cmd`'s, per host.
 */
export function createRemoteShellScriptRunner(options: RemoteShellCmdRunnerOptions = {}): Runner {
  const limits = remoteLimits(options);
  return {
    name: 'remote-shell-script',
    description: "Copies an action's script to remote hosts over SFTP and runs it there.",
    parameters: PARAMETERS,
    async run(ctx: RunContext): Promise<RunOutcome> {
      const file = await existingActionFile(ctx, 'Script');
      if (typeof file !== 'string') return startFailure(file.error);
      const p = ctx.parameters;
      const own = actionParams(p, PARAMETERS);
      const args = scriptArguments(ctx.action.parameters, PARAMETERS, own, readString(p, 'kwarg_op') ?? '--');
      const remoteDir = posix.join(readString(p, 'dir') ?? '/tmp', ctx.execution.id);
      const remoteScript = posix.join(remoteDir, basename(file));
      // The folder goes once the script ends, whatever its status; a timeout or cancel kills the group first.
      const cmd = `${[remoteScript, ...args].map(shellQuote).join(' ')}; squall_rc=$?; rm -rf ${shellQuote(remoteDir)}; exit $squall_rc`;
      return runRemote(
        ctx,
        {
          cmd,
          env: scriptEnv(own),
          prepare: (target, auth, readyTimeoutMs) =>
            upload(target, auth, file, remoteDir, remoteScript, readyTimeoutMs),
        },
        limits,
      );
    },
  };
}

/** Copies a local folder, if it exists, to `remote` over SFTP (files 0644, folders 0755). */
async function putTree(sftp: SFTPWrapper, local: string, remote: string): Promise<void> {
  const entries = await readdir(local, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return;
  const call = (f: (cb: (err: Error | null | undefined) => void) => void): Promise<void> =>
    new Promise((res, rej) => f((err) => (err ? rej(err) : res())));
  await call((cb) => sftp.mkdir(remote, { mode: 0o755 }, cb));
  for (const e of entries) {
    const from = join(local, e.name);
    const to = posix.join(remote, e.name);
    if (e.isDirectory()) await putTree(sftp, from, to);
    else if (e.isFile()) await call((cb) => sftp.fastPut(from, to, { mode: 0o644 }, cb));
  }
}

function startFailure(error: string): RunOutcome {
  return {
    status: 'failed',
    result: { succeeded: false, failed: true, return_code: 255, stdout: '', stderr: '', error },
  };
}

/** Copies the script to one host over SFTP; resolves with a problem, or undefined once it is there. */
function upload(
  target: SshTarget,
  auth: SshAuth,
  local: string,
  remoteDir: string,
  remoteScript: string,
  readyTimeoutMs: number,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const client = new Client();
    let done = false;
    const finish = (problem?: string): void => {
      if (done) return;
      done = true;
      client.end();
      setTimeout(() => client.destroy(), 2000).unref();
      resolve(problem);
    };
    const step = (what: string, next: () => void) => (err: Error | null | undefined) => {
      if (err) finish(`Could not copy the script to ${target.label} (${what}): ${err.message}`);
      else next();
    };
    client.on('ready', () => {
      client.sftp((err, sftp: SFTPWrapper) => {
        if (err) return finish(`SFTP is not available on ${target.label}: ${err.message}`);
        sftp.mkdir(
          remoteDir,
          { mode: 0o700 },
          step(`mkdir ${remoteDir}`, () =>
            sftp.fastPut(
              local,
              remoteScript,
              { mode: 0o744 },
              step(`put ${remoteScript}`, () => {
                // StackStorm copies the entry point's `lib` folder along with it.
                putTree(sftp, join(dirname(local), 'lib'), posix.join(remoteDir, 'lib')).then(
                  () => finish(),
                  (e: Error) => finish(`Could not copy the script to ${target.label} (lib): ${e.message}`),
                );
              }),
            ),
          ),
        );
      });
    });
    client.on('error', (e: Error & { level?: string }) => {
      const what = e.level === 'client-authentication' ? 'Authentication failed' : 'Connection failed';
      finish(`${what} for ${auth.username}@${target.label}: ${e.message}`);
    });
    client.on('close', () => finish(`Connection to ${target.label} closed before the script was copied`));
    try {
      client.connect({
        host: target.host,
        port: target.port,
        username: auth.username,
        readyTimeout: readyTimeoutMs,
        ...(auth.password !== undefined ? { password: auth.password } : {}),
        ...(auth.privateKey !== undefined ? { privateKey: auth.privateKey } : {}),
        ...(auth.passphrase !== undefined ? { passphrase: auth.passphrase } : {}),
        ...(auth.agent !== undefined ? { agent: auth.agent } : {}),
      });
    } catch (e) {
      finish(`Cannot use the private key: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

export const remoteShellScriptRunner: Runner = createRemoteShellScriptRunner();
