import { SquallError } from '../errors.js';
import { FunctionTemplates, type TemplateFunction } from '../templates/template-functions.js';
import type { ExpressionContext } from './expression-context.js';
import { pyStr } from './python-str.js';
import { ExpressionFunctionError, WORKFLOW_FUNCTIONS } from './workflow-functions.js';
import { YaqlEvaluationError, YaqlSyntaxError } from './yaql/yaql-errors.js';
import { parseYaql } from './yaql/yaql-parse.js';
import { evaluateWorkflowYaql } from './yaql/yaql-workflow.js';

export type ExpressionLanguage = 'yaql' | 'jinja';

/** One `<% %>` or `{{ }}` found in a string. */
export interface ExpressionPart {
  readonly language: ExpressionLanguage;
  /** The expression as written, delimiters included. */
  readonly source: string;
  /** The text between the delimiters. */
  readonly inner: string;
  readonly start: number;
  readonly end: number;
}

/** What a definition string holds: its expressions, in the one language orquesta would evaluate. */
export interface ScannedString {
  readonly language: ExpressionLanguage | undefined;
  readonly parts: readonly ExpressionPart[];
  /** Jinja `{% %}` blocks: the whole string is rendered as a template. */
  readonly blocks: boolean;
  /** Both languages appear: orquesta evaluates only the YAQL and the validator rejects the string. */
  readonly mixed: boolean;
}

const YAQL = /<%(.*?)%>/gs;
const JINJA = /\{\{(.*?)\}\}/gs;
const JINJA_BLOCK = /\{%.*?%\}/s;

/** Finds the expressions in a string the way orquesta does: YAQL first, else Jinja. */
export function scanExpressions(s: string): ScannedString {
  const yaql = partsOf(s, YAQL, 'yaql');
  const jinja = partsOf(s, JINJA, 'jinja');
  const blocks = JINJA_BLOCK.test(s);
  const mixed = yaql.length > 0 && (jinja.length > 0 || blocks);
  if (yaql.length > 0) return { language: 'yaql', parts: yaql, blocks: false, mixed };
  if (jinja.length > 0 || blocks) return { language: 'jinja', parts: jinja, blocks, mixed };
  return { language: undefined, parts: [], blocks: false, mixed: false };
}

function partsOf(s: string, re: RegExp, language: ExpressionLanguage): ExpressionPart[] {
  return [...s.matchAll(re)].map((m) => ({
    language,
    source: m[0],
    inner: m[1] ?? '',
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/**
 * An expression failed to parse or evaluate. `entry` is the message orquesta would log (the workflow's
 * error list carries the task separately); `message` adds the task, for people reading it alone.
 */
export class WorkflowExpressionError extends SquallError {
  constructor(
    readonly entry: string,
    readonly expression: string,
    readonly task: string | undefined,
    opts?: { cause?: unknown },
  ) {
    super('SQ_TEMPLATE', task === undefined ? entry : `${entry} (task "${task}")`, {
      cause: opts?.cause,
      details: { expression, ...(task === undefined ? {} : { task }) },
    });
  }
}

/**
 * Renders one string of a workflow definition. A string that is exactly one expression yields that
 * expression's native value; expressions inside text are replaced by Python's `str()` of their value.
 * The result is never scanned again: what an expression returns is data (the deliberate fix for
 * orquesta's re-evaluation of results and inputs, st2#5956).
 *
 * @throws WorkflowExpressionError naming the expression and the task
 * @example renderString('<% ctx().n + 1 %>', { vars: { n: 1 } }) // 2
 */
export function renderString(s: string, ctx: ExpressionContext): unknown {
  const scan = scanExpressions(s);
  if (scan.language === undefined) return s;
  if (scan.language === 'jinja' && scan.blocks) return renderJinjaTemplate(s, ctx);
  const evaluate = scan.language === 'yaql' ? evaluateYaqlPart : evaluateJinjaPart;
  const only = scan.parts[0];
  if (scan.parts.length === 1 && only !== undefined && only.start === 0 && only.end === s.length) {
    return evaluate(only, ctx);
  }
  let out = '';
  let at = 0;
  for (const p of scan.parts) {
    out += s.slice(at, p.start) + pyStr(evaluate(p, ctx));
    at = p.end;
  }
  return out + s.slice(at);
}

/**
 * Renders a value from the workflow definition: strings as renderString, and dicts (keys too, as
 * orquesta does) and lists recursively. Only ever call it on definition values, never on data.
 */
export function renderDefinition(value: unknown, ctx: ExpressionContext): unknown {
  if (typeof value === 'string') return renderString(value, ctx);
  if (Array.isArray(value)) return value.map((v) => renderDefinition(v, ctx));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = renderString(k, ctx);
      out[typeof key === 'string' ? key : pyStr(key)] = renderDefinition(v, ctx);
    }
    return out;
  }
  return value;
}

function evaluateYaqlPart(p: ExpressionPart, ctx: ExpressionContext): unknown {
  const task = ctx.where?.task;
  let node: ReturnType<typeof parseYaql>;
  try {
    node = parseYaql(p.inner);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new WorkflowExpressionError(
      `YaqlGrammarException: Unable to parse expression '${p.source}'. ${reason}`,
      p.source,
      task,
      { cause: e },
    );
  }
  try {
    return evaluateWorkflowYaql(node, ctx);
  } catch (e) {
    throw new WorkflowExpressionError(yaqlFailure(p.source, e), p.source, task, { cause: e });
  }
}

function yaqlFailure(source: string, e: unknown): string {
  const reason = e instanceof Error ? e.message : String(e);
  const key = /^Unable to resolve key '(.*)'$/.exec(reason);
  if (key !== null)
    return `YaqlEvaluationException: Unable to resolve key '${key[1]}' in expression '${source}' from context.`;
  let kind = 'YaqlEvaluationException';
  if (e instanceof ExpressionFunctionError)
    kind = /is undefined\.$/.test(reason) ? 'VariableUndefinedError' : 'ExpressionEvaluationException';
  else if (e instanceof YaqlEvaluationError && reason.startsWith('Unknown function'))
    kind = 'NoFunctionRegisteredException';
  else if (e instanceof YaqlSyntaxError) kind = 'YaqlGrammarException';
  else if (!(e instanceof YaqlEvaluationError)) kind = e instanceof Error ? e.name : 'Error';
  return `YaqlEvaluationException: Unable to evaluate expression '${source}'. ${kind}: ${reason}`;
}

/** Names registered with the Jinja environment: orquesta's functions plus nothing else of Squall's. */
const jinja = new FunctionTemplates([...WORKFLOW_FUNCTIONS.keys(), 'json_dump']);

function templateFunctions(ctx: ExpressionContext): ReadonlyMap<string, TemplateFunction> {
  const out = new Map<string, TemplateFunction>();
  for (const [name, fn] of WORKFLOW_FUNCTIONS) out.set(name, (args, named) => fn(ctx, args, named));
  const dump = WORKFLOW_FUNCTIONS.get('to_json_string');
  if (dump !== undefined) out.set('json_dump', (args, named) => dump(ctx, args, named));
  return out;
}

function evaluateJinjaPart(p: ExpressionPart, ctx: ExpressionContext): unknown {
  try {
    return jinja.evaluate(p.inner, templateFunctions(ctx));
  } catch (e) {
    throw jinjaFailure(p.source, e, ctx);
  }
}

function renderJinjaTemplate(s: string, ctx: ExpressionContext): string {
  try {
    return jinja.render(s, templateFunctions(ctx));
  } catch (e) {
    throw jinjaFailure(s, e, ctx);
  }
}

function jinjaFailure(source: string, e: unknown, ctx: ExpressionContext): WorkflowExpressionError {
  const reason = e instanceof Error ? e.message : String(e);
  return new WorkflowExpressionError(
    `JinjaEvaluationException: Unable to evaluate expression '${source}'. ${reason}`,
    source,
    ctx.where?.task,
    { cause: e },
  );
}
