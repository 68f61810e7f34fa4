import { SquallError } from '../errors.js';

/** Quotes a value for a POSIX shell: single quotes, with each `'` written as `'\''`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface RemoteCommandSpec {
  cmd: string;
  cwd?: string;
  env: Record<string, string>;
  sudo: boolean;
  /** With a password sudo reads it from stdin (`-S`); without, it must not ask (`-n`). */
  sudoPassword?: string;
}

/**
 * First line the remote shell writes to stderr: its pid, which is also its process group (sshd starts
 * each session with setsid). The runner strips it from the output and uses it to kill the whole group
 * on cancel or timeout, because OpenSSH ignores signal requests for root logins.
 */
export const PID_MARKER = 'squall-remote-pid:';

/**
 * The command line sent to sshd. `cmd` is shell text by design (it is what the action runs); `cwd`
 * and env values are data and always quoted, so a value such as `'; rm -rf /` stays a value.
 */
export function remoteCommand(spec: RemoteCommandSpec): string {
  const parts: string[] = [];
  if (spec.cwd !== undefined && spec.cwd !== '') parts.push(`cd ${shellQuote(spec.cwd)}`);
  const names = Object.keys(spec.env);
  for (const name of names) {
    if (!ENV_NAME.test(name)) {
      throw new SquallError('SQ_PARAMETER_INVALID', `Environment variable name "${name}" is not valid`);
    }
  }
  if (names.length > 0) {
    parts.push(`export ${names.map((n) => `${n}=${shellQuote(spec.env[n] ?? '')}`).join(' ')}`);
  }
  parts.push(spec.cmd);
  const inner = parts.join(' && ');
  const marker = `printf '${PID_MARKER}%s\\n' "$$" >&2; `;
  if (!spec.sudo) return marker + inner;
  const flags = spec.sudoPassword === undefined ? '-n' : "-S -p ''";
  return `${marker}sudo ${flags} -E -- bash -c ${shellQuote(inner)}`;
}
