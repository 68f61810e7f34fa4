/**
 * The glue between Squall's hand-written tokenizers and nearley. nearley asks a lexer for one token at a
 * time; our tokenizers need lookahead (is this quote ever closed? is this brace balanced?), so they
 * tokenize the whole input up front and this class hands the tokens out.
 */
export interface LexToken {
  /** The token type the grammar matches with `%type`. */
  type: string;
  /** The token's meaning: for a quoted string the text without its quotes, otherwise the text itself. */
  value: string;
  /** The exact source text, quotes included. */
  text: string;
  /** Offset of `text` in the input. */
  offset: number;
}

export class TokenLexer {
  readonly #tokenize: (input: string) => LexToken[];
  readonly #types: ReadonlySet<string>;
  #tokens: LexToken[] = [];
  #next = 0;

  constructor(types: readonly string[], tokenize: (input: string) => LexToken[]) {
    this.#types = new Set(types);
    this.#tokenize = tokenize;
  }

  /** nearley feeds the whole input once; Squall never feeds in chunks. */
  reset(chunk: string, _state?: unknown): void {
    this.#tokens = this.#tokenize(chunk);
    this.#next = 0;
  }

  next(): LexToken | undefined {
    return this.#tokens[this.#next++];
  }

  save(): Record<string, never> {
    return {};
  }

  formatError(token: LexToken, message?: string): string {
    const at = token?.offset ?? 0;
    return `${message ?? 'Syntax error'}: unexpected ${JSON.stringify(token?.text ?? '')} at offset ${at}`;
  }

  has(type: string): boolean {
    return this.#types.has(type);
  }
}
