import Table from 'cli-table3';
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Where a command writes. Colours are on when stdout is a terminal (or `FORCE_COLOR` is set) and
 * `NO_COLOR` is unset, so piped output and CI logs stay plain text.
 */
export interface Output {
  readonly color: Colors;
  readonly colorEnabled: boolean;
  /** True when stdout is a terminal (spinners, prompts). */
  readonly interactive: boolean;
  /** Writes text to stdout, adding a final newline when missing. */
  out(text: string): void;
  /** Writes raw text to stdout, as is (live output). */
  raw(text: string): void;
  /** Writes raw text to stderr, as is (live output). */
  rawErr(text: string): void;
  /** Writes a line to stderr (notes, status lines): stdout stays clean for scripts. */
  note(text: string): void;
  /** Pretty JSON on stdout: what `--json` prints. */
  json(value: unknown): void;
  /** A table on stdout; an empty list prints `emptyText` instead. */
  table(head: string[], rows: string[][], emptyText?: string): void;
}

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export function colorWanted(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  // FORCE_COLOR (the common convention) turns colours on when piped, e.g. under a pager or in CI logs.
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function createOutput(
  s: OutputStreams = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Output {
  const colorEnabled = colorWanted(s.stdout, s.env);
  const color = pc.createColors(colorEnabled);
  const withNewline = (t: string) => (t.endsWith('\n') ? t : `${t}\n`);
  return {
    color,
    colorEnabled,
    interactive: s.stdout.isTTY === true,
    out: (text) => void s.stdout.write(withNewline(text)),
    raw: (text) => void s.stdout.write(text),
    rawErr: (text) => void s.stderr.write(text),
    note: (text) => void s.stderr.write(withNewline(text)),
    json: (value) => void s.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    table(head, rows, emptyText = '(none)') {
      if (rows.length === 0) {
        s.stdout.write(withNewline(emptyText));
        return;
      }
      const t = new Table({
        head: head.map((h) => color.bold(h)),
        style: { head: [], border: [] },
        wordWrap: true,
      });
      t.push(...rows);
      s.stdout.write(withNewline(t.toString()));
    },
  };
}

/** A status word coloured by what it means. */
export function colorStatus(c: Colors, status: string): string {
  if (status === 'succeeded') return c.green(status);
  if (status === 'failed' || status === 'timeout' || status === 'abandoned') return c.red(status);
  if (status === 'canceled' || status === 'canceling') return c.yellow(status);
  return c.cyan(status);
}
