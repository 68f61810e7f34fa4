# Chat command text: words separated by whitespace. A word is a run of pieces with no space between
# them: plain text, `=`, a quoted value, or a balanced JSON-ish group (nested). The tokenizer in
# ../command-lexer.ts decides which quotes and brackets are real, so this grammar is unambiguous.
#
# Lists are left-recursive and built as cons cells ({head, tail}, newest first): Earley parsers are
# fastest on left recursion, and postprocessors must not mutate arrays that other parse items share.
# parse-command.ts flattens them. Regenerate with `npm run grammar`.
@preprocessor typescript

@{%
import { commandLexer } from '../command-lexer.js';

const cons = (head: unknown, tail: unknown) => ({ head, tail });
const piece = (d: any[]) => {
  const t = d[0];
  return { kind: t.type, start: t.offset, end: t.offset + t.text.length, value: t.value };
};
const group = (d: any[]) => ({ kind: 'group', start: d[0].offset, end: d[2].offset + 1, value: '' });
%}

@lexer commandLexer

command -> null                    {% () => null %}
         | %ws                     {% () => null %}
         | words                   {% id %}
         | %ws words               {% (d) => d[1] %}
words   -> word                    {% (d) => cons(d[0], null) %}
         | words %ws word          {% (d) => cons(d[2], d[0]) %}
         | words %ws               {% id %}
word    -> piece                   {% (d) => cons(d[0], null) %}
         | word piece              {% (d) => cons(d[1], d[0]) %}
piece   -> %text                   {% piece %}
         | %eq                     {% piece %}
         | %str                    {% piece %}
         | group                   {% id %}
group   -> %lbrace inner %rbrace   {% group %}
         | %lbrack inner %rbrack   {% group %}
inner   -> null                    {% () => null %}
         | inner %text             {% () => null %}
         | inner %str              {% () => null %}
         | inner %ws               {% () => null %}
         | inner group             {% () => null %}
