import { CliError, usageError } from './cli-error.js';

type Stdin = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

/**
 * Asks for a secret on the terminal without echoing it. Ctrl-C aborts (exit 130 by the caller's
 * error path); Backspace edits. Refuses when stdin is not a terminal: pass `--password-stdin` there.
 */
export function promptSecret(
  question: string,
  stdin: Stdin,
  out: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  if (!stdin.isTTY || !stdin.setRawMode) {
    return Promise.reject(usageError('no terminal to ask for the password on: pass it with --password-stdin'));
  }
  const setRaw = stdin.setRawMode.bind(stdin);
  out.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.removeListener('data', onData);
      setRaw(false);
      stdin.pause();
      out.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (buf: Buffer | string) => {
      for (const ch of String(buf)) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new CliError('canceled', 1));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    setRaw(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** Asks a visible one-line question on the terminal. */
export async function promptLine(
  question: string,
  stdin: Stdin,
  out: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: stdin, output: out, terminal: true });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** Reads all of stdin (for `--password-stdin`), without the final newline. */
export async function readAllStdin(stdin: Stdin): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/** The password from `--password`, `--password-stdin` or a hidden prompt, in that order. */
export async function obtainPassword(
  flags: { password?: string; passwordStdin?: boolean },
  stdin: Stdin,
  question = 'Password: ',
): Promise<string | undefined> {
  if (flags.password !== undefined) return flags.password;
  if (flags.passwordStdin) return readAllStdin(stdin);
  if (!stdin.isTTY) return undefined;
  return promptSecret(question, stdin);
}
