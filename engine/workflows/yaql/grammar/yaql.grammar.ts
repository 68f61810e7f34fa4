// Generated automatically by nearley, version 2.20.1
// http://github.com/Hardmath123/nearley
// Bypasses TS6133. Allow declared but unused functions.
// @ts-ignore
function id(d: any[]): any { return d[0]; }
declare var ident: any;
declare var num: any;
declare var str: any;
declare var dollar: any;

import { yaqlLexer } from '../yaql-lexer.js';

const bin = (d: any[]) => ({ k: 'bin', op: d[1].value, l: d[0], r: d[2] });
const un = (d: any[]) => ({ k: 'un', op: d[0].value, e: d[1] });
const number = (d: any[]) => ({ k: 'lit', v: Number(d[0].value) });
const lit = (v: unknown) => () => ({ k: 'lit', v });

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
  Lexer: yaqlLexer,
  ParserRules: [
    {"name": "main", "symbols": ["lambda"], "postprocess": id},
    {"name": "lambda", "symbols": ["orx", {"literal":"->"}, "lambda"], "postprocess": bin},
    {"name": "lambda", "symbols": ["orx"], "postprocess": id},
    {"name": "orx", "symbols": ["orx", {"literal":"or"}, "andx"], "postprocess": bin},
    {"name": "orx", "symbols": ["andx"], "postprocess": id},
    {"name": "andx", "symbols": ["andx", {"literal":"and"}, "notx"], "postprocess": bin},
    {"name": "andx", "symbols": ["notx"], "postprocess": id},
    {"name": "notx", "symbols": [{"literal":"not"}, "notx"], "postprocess": un},
    {"name": "notx", "symbols": ["cmp"], "postprocess": id},
    {"name": "cmp", "symbols": ["cmp", "cmpop", "add"], "postprocess": (d) => ({ k: 'bin', op: d[1], l: d[0], r: d[2] })},
    {"name": "cmp", "symbols": ["add"], "postprocess": id},
    {"name": "cmpop$subexpression$1", "symbols": [{"literal":">"}]},
    {"name": "cmpop$subexpression$1", "symbols": [{"literal":"<"}]},
    {"name": "cmpop$subexpression$1", "symbols": [{"literal":">="}]},
    {"name": "cmpop$subexpression$1", "symbols": [{"literal":"<="}]},
    {"name": "cmpop$subexpression$1", "symbols": [{"literal":"!="}]},
    {"name": "cmpop$subexpression$1", "symbols": [{"literal":"="}]},
    {"name": "cmpop$subexpression$1", "symbols": [{"literal":"in"}]},
    {"name": "cmpop", "symbols": ["cmpop$subexpression$1"], "postprocess": (d) => d[0][0].value},
    {"name": "add$subexpression$1", "symbols": [{"literal":"+"}]},
    {"name": "add$subexpression$1", "symbols": [{"literal":"-"}]},
    {"name": "add", "symbols": ["add", "add$subexpression$1", "mul"], "postprocess": (d) => ({ k: 'bin', op: d[1][0].value, l: d[0], r: d[2] })},
    {"name": "add", "symbols": ["mul"], "postprocess": id},
    {"name": "mul$subexpression$1", "symbols": [{"literal":"*"}]},
    {"name": "mul$subexpression$1", "symbols": [{"literal":"/"}]},
    {"name": "mul$subexpression$1", "symbols": [{"literal":"mod"}]},
    {"name": "mul", "symbols": ["mul", "mul$subexpression$1", "match"], "postprocess": (d) => ({ k: 'bin', op: d[1][0].value, l: d[0], r: d[2] })},
    {"name": "mul", "symbols": ["match"], "postprocess": id},
    {"name": "match$subexpression$1", "symbols": [{"literal":"=~"}]},
    {"name": "match$subexpression$1", "symbols": [{"literal":"!~"}]},
    {"name": "match", "symbols": ["match", "match$subexpression$1", "unary"], "postprocess": (d) => ({ k: 'bin', op: d[1][0].value, l: d[0], r: d[2] })},
    {"name": "match", "symbols": ["unary"], "postprocess": id},
    {"name": "unary$subexpression$1", "symbols": [{"literal":"+"}]},
    {"name": "unary$subexpression$1", "symbols": [{"literal":"-"}]},
    {"name": "unary", "symbols": ["unary$subexpression$1", "unary"], "postprocess": (d) => ({ k: 'un', op: d[0][0].value, e: d[1] })},
    {"name": "unary", "symbols": ["postfix"], "postprocess": id},
    {"name": "postfix", "symbols": ["postfix", "dot", (yaqlLexer.has("ident") ? {type: "ident"} : ident)], "postprocess": (d) => ({ k: 'prop', obj: d[0], name: d[2].value, safe: d[1] })},
    {"name": "postfix", "symbols": ["postfix", "dot", (yaqlLexer.has("ident") ? {type: "ident"} : ident), {"literal":"("}, "args", {"literal":")"}], "postprocess": (d) => ({ k: 'call', name: d[2].value, args: d[4], recv: d[0], safe: d[1] })},
    {"name": "postfix", "symbols": ["postfix", {"literal":"["}, "lambda", {"literal":"]"}], "postprocess": (d) => ({ k: 'index', obj: d[0], index: d[2] })},
    {"name": "postfix", "symbols": ["primary"], "postprocess": id},
    {"name": "dot", "symbols": [{"literal":"."}], "postprocess": () => false},
    {"name": "dot", "symbols": [{"literal":"?."}], "postprocess": () => true},
    {"name": "primary", "symbols": [(yaqlLexer.has("num") ? {type: "num"} : num)], "postprocess": number},
    {"name": "primary", "symbols": [(yaqlLexer.has("str") ? {type: "str"} : str)], "postprocess": (d) => ({ k: 'lit', v: d[0].value })},
    {"name": "primary", "symbols": [{"literal":"true"}], "postprocess": lit(true)},
    {"name": "primary", "symbols": [{"literal":"false"}], "postprocess": lit(false)},
    {"name": "primary", "symbols": [{"literal":"null"}], "postprocess": lit(null)},
    {"name": "primary", "symbols": [(yaqlLexer.has("dollar") ? {type: "dollar"} : dollar)], "postprocess": (d) => ({ k: 'var', name: d[0].value })},
    {"name": "primary", "symbols": [(yaqlLexer.has("ident") ? {type: "ident"} : ident)], "postprocess": (d) => ({ k: 'name', name: d[0].value })},
    {"name": "primary", "symbols": [(yaqlLexer.has("ident") ? {type: "ident"} : ident), {"literal":"("}, "args", {"literal":")"}], "postprocess": (d) => ({ k: 'call', name: d[0].value, args: d[2] })},
    {"name": "primary", "symbols": [{"literal":"("}, "lambda", {"literal":")"}], "postprocess": (d) => d[1]},
    {"name": "primary", "symbols": [{"literal":"["}, "items", {"literal":"]"}], "postprocess": (d) => ({ k: 'list', items: d[1] })},
    {"name": "primary", "symbols": [{"literal":"{"}, "pairs", {"literal":"}"}], "postprocess": (d) => ({ k: 'dict', pairs: d[1] })},
    {"name": "args", "symbols": [], "postprocess": () => []},
    {"name": "args", "symbols": ["arglist"], "postprocess": id},
    {"name": "arglist", "symbols": ["arg"], "postprocess": (d) => [d[0]]},
    {"name": "arglist", "symbols": ["arglist", {"literal":","}, "arg"], "postprocess": (d) => [...d[0], d[2]]},
    {"name": "arg", "symbols": ["lambda"], "postprocess": (d) => ({ k: 'pos', e: d[0] })},
    {"name": "arg", "symbols": ["lambda", {"literal":"=>"}, "lambda"], "postprocess": (d) => ({ k: 'kw', key: d[0], e: d[2] })},
    {"name": "items", "symbols": [], "postprocess": () => []},
    {"name": "items", "symbols": ["itemlist"], "postprocess": id},
    {"name": "itemlist", "symbols": ["lambda"], "postprocess": (d) => [d[0]]},
    {"name": "itemlist", "symbols": ["itemlist", {"literal":","}, "lambda"], "postprocess": (d) => [...d[0], d[2]]},
    {"name": "pairs", "symbols": [], "postprocess": () => []},
    {"name": "pairs", "symbols": ["pairlist"], "postprocess": id},
    {"name": "pairlist", "symbols": ["pair"], "postprocess": (d) => [d[0]]},
    {"name": "pairlist", "symbols": ["pairlist", {"literal":","}, "pair"], "postprocess": (d) => [...d[0], d[2]]},
    {"name": "pair", "symbols": ["lambda", {"literal":"=>"}, "lambda"], "postprocess": (d) => [d[0], d[2]]}
  ],
  ParserStart: "main",
};

export default grammar;
