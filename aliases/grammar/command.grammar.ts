// Generated automatically by nearley, version 2.20.1
// http://github.com/Hardmath123/nearley
// Bypasses TS6133. Allow declared but unused functions.
// @ts-ignore
function id(d: any[]): any { return d[0]; }
declare var ws: any;
declare var text: any;
declare var eq: any;
declare var str: any;
declare var lbrace: any;
declare var rbrace: any;
declare var lbrack: any;
declare var rbrack: any;

import { commandLexer } from '../command-lexer.js';

const cons = (head: unknown, tail: unknown) => ({ head, tail });
const piece = (d: any[]) => {
  const t = d[0];
  return { kind: t.type, start: t.offset, end: t.offset + t.text.length, value: t.value };
};
const group = (d: any[]) => ({ kind: 'group', start: d[0].offset, end: d[2].offset + 1, value: '' });

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
  Lexer: commandLexer,
  ParserRules: [
    {"name": "command", "symbols": [], "postprocess": () => null},
    {"name": "command", "symbols": [(commandLexer.has("ws") ? {type: "ws"} : ws)], "postprocess": () => null},
    {"name": "command", "symbols": ["words"], "postprocess": id},
    {"name": "command", "symbols": [(commandLexer.has("ws") ? {type: "ws"} : ws), "words"], "postprocess": (d) => d[1]},
    {"name": "words", "symbols": ["word"], "postprocess": (d) => cons(d[0], null)},
    {"name": "words", "symbols": ["words", (commandLexer.has("ws") ? {type: "ws"} : ws), "word"], "postprocess": (d) => cons(d[2], d[0])},
    {"name": "words", "symbols": ["words", (commandLexer.has("ws") ? {type: "ws"} : ws)], "postprocess": id},
    {"name": "word", "symbols": ["piece"], "postprocess": (d) => cons(d[0], null)},
    {"name": "word", "symbols": ["word", "piece"], "postprocess": (d) => cons(d[1], d[0])},
    {"name": "piece", "symbols": [(commandLexer.has("text") ? {type: "text"} : text)], "postprocess": piece},
    {"name": "piece", "symbols": [(commandLexer.has("eq") ? {type: "eq"} : eq)], "postprocess": piece},
    {"name": "piece", "symbols": [(commandLexer.has("str") ? {type: "str"} : str)], "postprocess": piece},
    {"name": "piece", "symbols": ["group"], "postprocess": id},
    {"name": "group", "symbols": [(commandLexer.has("lbrace") ? {type: "lbrace"} : lbrace), "inner", (commandLexer.has("rbrace") ? {type: "rbrace"} : rbrace)], "postprocess": group},
    {"name": "group", "symbols": [(commandLexer.has("lbrack") ? {type: "lbrack"} : lbrack), "inner", (commandLexer.has("rbrack") ? {type: "rbrack"} : rbrack)], "postprocess": group},
    {"name": "inner", "symbols": [], "postprocess": () => null},
    {"name": "inner", "symbols": ["inner", (commandLexer.has("text") ? {type: "text"} : text)], "postprocess": () => null},
    {"name": "inner", "symbols": ["inner", (commandLexer.has("str") ? {type: "str"} : str)], "postprocess": () => null},
    {"name": "inner", "symbols": ["inner", (commandLexer.has("ws") ? {type: "ws"} : ws)], "postprocess": () => null},
    {"name": "inner", "symbols": ["inner", "group"], "postprocess": () => null}
  ],
  ParserStart: "command",
};

export default grammar;
