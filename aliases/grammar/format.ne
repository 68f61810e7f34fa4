# Alias formats: literal text and placeholders, `{{ name }}` or `{{ name = default }}` (spaces optional).
# A default is kept as written: a bare word or words, a quoted string, JSON, or text with balanced
# braces such as `{{ colors.default }}`. Anything outside placeholders is literal here; parse-format.ts
# decides whether the literal text is a regular expression. Lists are left-recursive cons cells (see
# command.ne). Regenerate with `npm run grammar`.
@preprocessor typescript

@{%
import { formatLexer } from '../format-lexer.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const cons = (head: unknown, tail: unknown) => ({ head, tail });
const literal = (d: any[]) => ({ kind: 'literal', start: d[0].offset, end: d[0].offset + d[0].text.length });
const span = (d: any[]) => ({ start: d[0].start, end: d[d.length - 1].end });
const tok = (d: any[]) => ({ start: d[0].offset, end: d[0].offset + d[0].text.length });
// A placeholder whose name is not a parameter name is not a placeholder: reject the parse so the
// format is reported as invalid instead of silently taken literally.
const param = (name: any, dflt: any, open: any, close: any, reject: unknown) =>
  NAME.test(name.text)
    ? { kind: 'param', name: name.text, default: dflt, start: open.offset, end: close.offset + 1 }
    : reject;
%}

@lexer formatLexer

format      -> null                                   {% () => null %}
             | format part                            {% (d) => cons(d[1], d[0]) %}
part        -> %text                                  {% literal %}
             | %ws                                    {% literal %}
             | %eq                                    {% literal %}
             | %lb                                    {% literal %}
             | %rb                                    {% literal %}
             | placeholder                            {% id %}
placeholder -> %open _ %text _ %rb %rb                {% (d, _l, reject) => param(d[2], null, d[0], d[5], reject) %}
             | %open _ %text _ %eq _ %rb %rb          {% (d, _l, reject) => param(d[2], { start: d[4].offset + 1, end: d[4].offset + 1 }, d[0], d[7], reject) %}
             | %open _ %text _ %eq _ default _ %rb %rb {% (d, _l, reject) => param(d[2], d[6], d[0], d[9], reject) %}
_           -> null                                   {% () => null %}
             | %ws                                    {% () => null %}
default     -> dword                                  {% id %}
             | default %ws dword                      {% (d) => ({ start: d[0].start, end: d[2].end }) %}
dword       -> dpiece                                 {% id %}
             | dword dpiece                           {% span %}
dpiece      -> %text                                  {% tok %}
             | %eq                                    {% tok %}
             | braced                                 {% id %}
braced      -> %lb inner %rb                          {% (d) => ({ start: d[0].offset, end: d[2].offset + 1 }) %}
             | %open inner %rb %rb                    {% (d) => ({ start: d[0].offset, end: d[3].offset + 1 }) %}
inner       -> null                                   {% () => null %}
             | inner %text                            {% () => null %}
             | inner %eq                              {% () => null %}
             | inner %ws                              {% () => null %}
             | inner braced                           {% () => null %}
