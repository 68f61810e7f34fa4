# YAQL expressions (the subset documented in docs/workflows.md), with yaql's operator precedence,
# lowest first: `->` (right-assoc), or, and, not, comparisons and `in`, binary + -, * / mod, =~ !~,
# unary + -, then postfix `.`/`?.`/`[]`. The tokenizer (../yaql-lexer.ts) drops whitespace and marks
# keywords, so the grammar is unambiguous. Regenerate with `npm run grammar`.
@preprocessor typescript

@{%
import { yaqlLexer } from '../yaql-lexer.js';

const bin = (d: any[]) => ({ k: 'bin', op: d[1].value, l: d[0], r: d[2] });
const un = (d: any[]) => ({ k: 'un', op: d[0].value, e: d[1] });
const number = (d: any[]) => ({ k: 'lit', v: Number(d[0].value) });
const lit = (v: unknown) => () => ({ k: 'lit', v });
%}

@lexer yaqlLexer

main     -> lambda                            {% id %}
lambda   -> orx "->" lambda                   {% bin %}
          | orx                               {% id %}
orx      -> orx "or" andx                     {% bin %}
          | andx                              {% id %}
andx     -> andx "and" notx                   {% bin %}
          | notx                              {% id %}
notx     -> "not" notx                        {% un %}
          | cmp                               {% id %}
cmp      -> cmp cmpop add                     {% (d) => ({ k: 'bin', op: d[1], l: d[0], r: d[2] }) %}
          | add                               {% id %}
cmpop    -> (">" | "<" | ">=" | "<=" | "!=" | "=" | "in") {% (d) => d[0][0].value %}
add      -> add ("+" | "-") mul               {% (d) => ({ k: 'bin', op: d[1][0].value, l: d[0], r: d[2] }) %}
          | mul                               {% id %}
mul      -> mul ("*" | "/" | "mod") match     {% (d) => ({ k: 'bin', op: d[1][0].value, l: d[0], r: d[2] }) %}
          | match                             {% id %}
match    -> match ("=~" | "!~") unary         {% (d) => ({ k: 'bin', op: d[1][0].value, l: d[0], r: d[2] }) %}
          | unary                             {% id %}
unary    -> ("+" | "-") unary                 {% (d) => ({ k: 'un', op: d[0][0].value, e: d[1] }) %}
          | postfix                           {% id %}
postfix  -> postfix dot %ident                {% (d) => ({ k: 'prop', obj: d[0], name: d[2].value, safe: d[1] }) %}
          | postfix dot %ident "(" args ")"   {% (d) => ({ k: 'call', name: d[2].value, args: d[4], recv: d[0], safe: d[1] }) %}
          | postfix "[" lambda "]"            {% (d) => ({ k: 'index', obj: d[0], index: d[2] }) %}
          | primary                           {% id %}
dot      -> "."                               {% () => false %}
          | "?."                              {% () => true %}
primary  -> %num                              {% number %}
          | %str                              {% (d) => ({ k: 'lit', v: d[0].value }) %}
          | "true"                            {% lit(true) %}
          | "false"                           {% lit(false) %}
          | "null"                            {% lit(null) %}
          | %dollar                           {% (d) => ({ k: 'var', name: d[0].value }) %}
          | %ident                            {% (d) => ({ k: 'name', name: d[0].value }) %}
          | %ident "(" args ")"               {% (d) => ({ k: 'call', name: d[0].value, args: d[2] }) %}
          | "(" lambda ")"                    {% (d) => d[1] %}
          | "[" items "]"                     {% (d) => ({ k: 'list', items: d[1] }) %}
          | "{" pairs "}"                     {% (d) => ({ k: 'dict', pairs: d[1] }) %}
args     -> null                              {% () => [] %}
          | arglist                           {% id %}
arglist  -> arg                               {% (d) => [d[0]] %}
          | arglist "," arg                   {% (d) => [...d[0], d[2]] %}
arg      -> lambda                            {% (d) => ({ k: 'pos', e: d[0] }) %}
          | lambda "=>" lambda                {% (d) => ({ k: 'kw', key: d[0], e: d[2] }) %}
items    -> null                              {% () => [] %}
          | itemlist                          {% id %}
itemlist -> lambda                            {% (d) => [d[0]] %}
          | itemlist "," lambda               {% (d) => [...d[0], d[2]] %}
pairs    -> null                              {% () => [] %}
          | pairlist                          {% id %}
pairlist -> pair                              {% (d) => [d[0]] %}
          | pairlist "," pair                 {% (d) => [...d[0], d[2]] %}
pair     -> lambda "=>" lambda                {% (d) => [d[0], d[2]] %}
