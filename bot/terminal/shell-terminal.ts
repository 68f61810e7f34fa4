import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * The history file of the chat shell in a data dir, `<data-dir>/shell-history`: one file for the shell
 * of `squall start` and for `squall shell`, so either recalls what was typed in the other.
 */
export function shellHistoryFile(dataDir: string): string {
  return join(dataDir, 'shell-history');
}

export interface ShellTerminalOptions {
  input: Readable;
  output: Writable;
  /** Shown before the line being typed (terminals only). @default '> ' */
  prompt?: string;
  /** Where typed lines are kept between sessions (mode 0600: commands may hold secrets). */
  historyFile?: string;
  /** @default 500 */
  historySize?: number;
}

/**
 * Line editing for the chat shell: a prompt, history (kept in a file), and printing of incoming
 * messages above the prompt so that a result arriving while the user types does not garble the
 * half-typed line. On a non-terminal output (pipes, tests) it reads lines and prints plainly.
 */
export class ShellTerminal {
  readonly #opts: ShellTerminalOptions;
  readonly #tty: boolean;
  #rl: Interface | undefined;
  #closed = false;

  constructor(opts: ShellTerminalOptions) {
    this.#opts = opts;
    this.#tty = (opts.output as Writable & { isTTY?: boolean }).isTTY === true;
  }

  /** Starts reading. `onLine` gets each non-empty line; `onClose` runs once when input ends or close() is called. */
  async start(onLine: (line: string) => void, onClose: () => void): Promise<void> {
    const history = this.#tty ? await this.#loadHistory() : [];
    const rl = createInterface({
      input: this.#opts.input,
      output: this.#opts.output,
      terminal: this.#tty,
      prompt: this.#opts.prompt ?? '> ',
      history,
      historySize: this.#opts.historySize ?? 500,
      removeHistoryDuplicates: true,
    });
    this.#rl = rl;
    rl.on('line', (line) => {
      const text = line.trim();
      if (text) onLine(text);
      this.#prompt();
    });
    rl.on('history', (h: string[]) => void this.#saveHistory(h));
    // Ctrl-C clears a half-typed line, and leaves the shell on an empty one.
    rl.on('SIGINT', () => {
      if (rl.line) {
        rl.write(null, { ctrl: true, name: 'e' });
        rl.write(null, { ctrl: true, name: 'u' });
      } else rl.close();
    });
    rl.on('close', () => {
      this.#closed = true;
      if (this.#tty) this.#opts.output.write('\n');
      onClose();
    });
    this.#prompt();
  }

  /** Prints a message above the prompt, then redraws the prompt and whatever was being typed. */
  print(text: string): void {
    if (this.#closed || !this.#rl || !this.#tty) {
      this.#opts.output.write(`${text}\n`);
      return;
    }
    clearLine(this.#opts.output, 0);
    cursorTo(this.#opts.output, 0);
    this.#opts.output.write(`${text}\n`);
    this.#rl.prompt(true);
  }

  close(): void {
    this.#rl?.close();
  }

  #prompt(): void {
    if (this.#tty && !this.#closed) this.#rl?.prompt(true);
  }

  async #loadHistory(): Promise<string[]> {
    if (!this.#opts.historyFile) return [];
    try {
      const lines = (await readFile(this.#opts.historyFile, 'utf8')).split('\n').filter(Boolean);
      return lines.reverse(); // The file is oldest first; readline wants newest first.
    } catch {
      return [];
    }
  }

  async #saveHistory(newestFirst: string[]): Promise<void> {
    const file = this.#opts.historyFile;
    if (!file) return;
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, `${[...newestFirst].reverse().join('\n')}\n`, { mode: 0o600 });
    } catch {
      // History is a convenience: a read-only data dir must not break the shell.
    }
  }
}
