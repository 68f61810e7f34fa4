import { PassThrough } from 'node:stream';
import { CliAdapter } from '../../bot/terminal/cli-adapter.js';

/** A terminal chat shell over streams: type lines, wait for text to appear. */
export class TestShell {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  readonly adapter: CliAdapter;
  #text = '';

  constructor(user = 'admin', channel = 'terminal') {
    this.output.on('data', (d: Buffer) => {
      this.#text += d.toString();
    });
    this.adapter = new CliAdapter({ input: this.input, output: this.output, user, channel, color: false });
  }

  get text(): string {
    return this.#text;
  }

  type(line: string): void {
    this.input.write(`${line}\n`);
  }

  /** Resolves with the whole transcript once `pattern` appears after `from` (an offset into the transcript). */
  async waitFor(pattern: RegExp, timeoutMs = 20_000, from = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (pattern.test(this.#text.slice(from))) return this.#text;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`timed out waiting for ${pattern}; transcript:\n${this.#text}`);
  }

  /** How many times `pattern` occurs in the transcript. */
  count(pattern: RegExp): number {
    return [...this.#text.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))].length;
  }
}
