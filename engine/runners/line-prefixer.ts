/**
 * Prefixes every line of a chunked stream (`[web1] ...`), so that output of several hosts stays
 * readable when interleaved. Chunks may split lines anywhere; the prefix goes only at line starts.
 */
export class LinePrefixer {
  readonly #prefix: string;
  #atLineStart = true;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  push(data: string): string {
    if (data === '') return '';
    let out = '';
    for (const piece of data.split(/(?<=\n)/)) {
      if (this.#atLineStart) out += this.#prefix;
      out += piece;
      this.#atLineStart = piece.endsWith('\n');
    }
    return out;
  }
}
