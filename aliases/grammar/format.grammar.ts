// Generated automatically by nearley, version 2.20.1
// http://github.com/Hardmath123/nearley
// Bypasses TS6133. Allow declared but unused functions.
// @ts-ignore
function id(d: any[]): any { return d[0]; }
declare var text: any;
declare var ws: any;
declare var eq: any;
declare var lb: any;
declare var rb: any;
declare var open: any;

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

interface NearleyToken {
  value: any;
  [key: string]: any;
};

interface NearleyLexer {
  reset: (chunk: string, info: any) => void;
  next: () => NearleyToken | undefined;
  save: () => any;
  formatError: (token: never) => string;
  has: (tokenType: string) => boolean;
};

interface NearleyRule {
  name: string;
  symbols: NearleySymbol[];
  postprocess?: (d: any[], loc?: number, reject?: {}) => any;
};

type NearleySymbol = string | { literal: any } | { test: (token: any) => boolean };

interface Grammar {
  Lexer: NearleyLexer | undefined;
  ParserRules: NearleyRule[];
  ParserStart: string;
};

const grammar: Grammar = {
  Lexer: formatLexer,
  ParserRules: [
    {"name": "format", "symbols": [], "postprocess": () => null},
    {"name": "format", "symbols": ["format", "part"], "postprocess": (d) => cons(d[1], d[0])},
    {"name": "part", "symbols": [(formatLexer.has("text") ? {type: "text"} : text)], "postprocess": literal},
    {"name": "part", "symbols": [(formatLexer.has("ws") ? {type: "ws"} : ws)], "postprocess": literal},
    {"name": "part", "symbols": [(formatLexer.has("eq") ? {type: "eq"} : eq)], "postprocess": literal},
    {"name": "part", "symbols": [(formatLexer.has("lb") ? {type: "lb"} : lb)], "postprocess": literal},
    {"name": "part", "symbols": [(formatLexer.has("rb") ? {type: "rb"} : rb)], "postprocess": literal},
    {"name": "part", "symbols": ["placeholder"], "postprocess": id},
    {"name": "placeholder", "symbols": [(formatLexer.has("open") ? {type: "open"} : open), "_", (formatLexer.has("text") ? {type: "text"} : text), "_", (formatLexer.has("rb") ? {type: "rb"} : rb), (formatLexer.has("rb") ? {type: "rb"} : rb)], "postprocess": (d, _l, reject) => param(d[2], null, d[0], d[5], reject)},
    {"name": "placeholder", "symbols": [(formatLexer.has("open") ? {type: "open"} : open), "_", (formatLexer.has("text") ? {type: "text"} : text), "_", (formatLexer.has("eq") ? {type: "eq"} : eq), "_", (formatLexer.has("rb") ? {type: "rb"} : rb), (formatLexer.has("rb") ? {type: "rb"} : rb)], "postprocess": (d, _l, reject) => param(d[2], { start: d[4].offset + 1, end: d[4].offset + 1 }, d[0], d[7], reject)},
    {"name": "placeholder", "symbols": [(formatLexer.has("open") ? {type: "open"} : open), "_", (formatLexer.has("text") ? {type: "text"} : text), "_", (formatLexer.has("eq") ? {type: "eq"} : eq), "_", "default", "_", (formatLexer.has("rb") ? {type: "rb"} : rb), (formatLexer.has("rb") ? {type: "rb"} : rb)], "postprocess": (d, _l, reject) => param(d[2], d[6], d[0], d[9], reject)},
    {"name": "_", "symbols": [], "postprocess": () => null},
    {"name": "_", "symbols": [(formatLexer.has("ws") ? {type: "ws"} : ws)], "postprocess": () => null},
    {"name": "default", "symbols": ["dword"], "postprocess": id},
    {"name": "default", "symbols": ["default", (formatLexer.has("ws") ? {type: "ws"} : ws), "dword"], "postprocess": (d) => ({ start: d[0].start, end: d[2].end })},
    {"name": "dword", "symbols": ["dpiece"], "postprocess": id},
    {"name": "dword", "symbols": ["dword", "dpiece"], "postprocess": span},
    {"name": "dpiece", "symbols": [(formatLexer.has("text") ? {type: "text"} : text)], "postprocess": tok},
    {"name": "dpiece", "symbols": [(formatLexer.has("eq") ? {type: "eq"} : eq)], "postprocess": tok},
    {"name": "dpiece", "symbols": ["braced"], "postprocess": id},
    {"name": "braced", "symbols": [(formatLexer.has("lb") ? {type: "lb"} : lb), "inner", (formatLexer.has("rb") ? {type: "rb"} : rb)], "postprocess": (d) => ({ start: d[0].offset, end: d[2].offset + 1 })},
    {"name": "braced", "symbols": [(formatLexer.has("open") ? {type: "open"} : open), "inner", (formatLexer.has("rb") ? {type: "rb"} : rb), (formatLexer.has("rb") ? {type: "rb"} : rb)], "postprocess": (d) => ({ start: d[0].offset, end: d[3].offset + 1 })},
    {"name": "inner", "symbols": [], "postprocess": () => null},
    {"name": "inner", "symbols": ["inner", (formatLexer.has("text") ? {type: "text"} : text)], "postprocess": () => null},
    {"name": "inner", "symbols": ["inner", (formatLexer.has("eq") ? {type: "eq"} : eq)], "postprocess": () => null},
    {"name": "inner", "symbols": ["inner", (formatLexer.has("ws") ? {type: "ws"} : ws)], "postprocess": () => null},
    {"name": "inner", "symbols": ["inner", "braced"], "postprocess": () => null}
  ],
  ParserStart: "format",
};

export default grammar;
