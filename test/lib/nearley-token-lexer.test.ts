import { describe, expect, it } from 'vitest';
import { type LexToken, TokenLexer } from '../../lib/nearley-token-lexer.js';

const words = (s: string): LexToken[] =>
  [...s.matchAll(/\S+/g)].map((m) => ({ type: 'word', value: m[0], text: m[0], offset: m.index }));

describe('TokenLexer', () => {
  it('hands out the tokens of the whole input one at a time, as nearley asks for them', () => {
    const lexer = new TokenLexer(['word'], words);
    lexer.reset('a bc');
    expect(lexer.next()).toEqual({ type: 'word', value: 'a', text: 'a', offset: 0 });
    expect(lexer.next()?.offset).toBe(2);
    expect(lexer.next()).toBeUndefined();
    expect(lexer.has('word')).toBe(true);
    expect(lexer.has('ws')).toBe(false);
  });

  it('names the unexpected token and where it is', () => {
    const lexer = new TokenLexer(['word'], words);
    expect(lexer.formatError({ type: 'word', value: 'x', text: 'x', offset: 7 })).toBe(
      'Syntax error: unexpected "x" at offset 7',
    );
  });
});
