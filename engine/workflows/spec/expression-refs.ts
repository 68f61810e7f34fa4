import { scanExpressions } from '../expressions.js';
import type { YaqlNode } from '../yaql/yaql-ast.js';
import { parseYaql } from '../yaql/yaql-parse.js';

/** What static inspection learns from one definition string. */
export interface StringInspection {
  /** Problems with the expressions themselves (syntax, unknown functions, mixed languages). */
  readonly problems: string[];
  /** Workflow variables read through `ctx(name)` or `ctx().name`. */
  readonly variables: string[];
}

const JINJA_CTX_CALL = /\bctx\(\s*(['"])(\w*)\1\s*\)/g;
const JINJA_CTX_PROP = /\bctx\(\s*\)\.(\w+)/g;

/** Inspects the expressions in a string without evaluating them. */
export function inspectString(s: string, knownFunctions: ReadonlySet<string>): StringInspection {
  const scan = scanExpressions(s);
  const problems: string[] = [];
  const variables: string[] = [];
  if (scan.mixed) problems.push('Expression with multiple types is not supported.');
  for (const p of scan.parts) {
    if (p.language === 'jinja') {
      for (const m of p.inner.matchAll(JINJA_CTX_CALL)) variables.push(m[2] as string);
      for (const m of p.inner.matchAll(JINJA_CTX_PROP)) variables.push(m[1] as string);
      continue;
    }
    let node: YaqlNode;
    try {
      node = parseYaql(p.inner);
    } catch (e) {
      problems.push(`cannot parse ${p.source}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    walk(node, (n) => {
      if (n.k === 'call' && !knownFunctions.has(n.name)) problems.push(`unknown function "${n.name}" in ${p.source}`);
      const v = ctxVariable(n);
      if (v !== undefined) variables.push(v);
    });
  }
  return { problems, variables };
}

/** `ctx(name)`, `ctx('name')` or `ctx().name`: the variable read, if the node is one of those. */
function ctxVariable(n: YaqlNode): string | undefined {
  if (n.k === 'call' && n.name === 'ctx' && n.recv === undefined && n.args.length === 1) {
    const a = n.args[0];
    if (a?.k === 'pos' && a.e.k === 'name') return a.e.name;
    if (a?.k === 'pos' && a.e.k === 'lit' && typeof a.e.v === 'string') return a.e.v;
  }
  if (
    n.k === 'prop' &&
    n.obj.k === 'call' &&
    n.obj.name === 'ctx' &&
    n.obj.args.length === 0 &&
    n.obj.recv === undefined
  ) {
    return n.name;
  }
  return undefined;
}

function walk(n: YaqlNode, visit: (n: YaqlNode) => void): void {
  visit(n);
  switch (n.k) {
    case 'list':
      for (const x of n.items) walk(x, visit);
      return;
    case 'dict':
      for (const [k, v] of n.pairs) {
        walk(k, visit);
        walk(v, visit);
      }
      return;
    case 'call':
      if (n.recv !== undefined) walk(n.recv, visit);
      for (const a of n.args) {
        if (a.k === 'kw') walk(a.key, visit);
        walk(a.e, visit);
      }
      return;
    case 'prop':
      walk(n.obj, visit);
      return;
    case 'index':
      walk(n.obj, visit);
      walk(n.index, visit);
      return;
    case 'bin':
      walk(n.l, visit);
      walk(n.r, visit);
      return;
    case 'un':
      walk(n.e, visit);
      return;
    default:
      return;
  }
}
