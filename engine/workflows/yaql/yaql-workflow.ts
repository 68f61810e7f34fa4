import type { ExpressionContext } from '../expression-context.js';
import { WORKFLOW_FUNCTIONS } from '../workflow-functions.js';
import type { YaqlNode } from './yaql-ast.js';
import { evaluateYaql, type YaqlFunction } from './yaql-eval.js';
import { YAQL_LIBRARY } from './yaql-library.js';

/** The standard-library subset plus orquesta's workflow functions; built once. */
const FUNCTIONS: ReadonlyMap<string, YaqlFunction<ExpressionContext>> = new Map<
  string,
  YaqlFunction<ExpressionContext>
>([
  ...YAQL_LIBRARY,
  ...[...WORKFLOW_FUNCTIONS].map(([name, fn]): [string, YaqlFunction<ExpressionContext>] => [
    name,
    (c) =>
      fn(
        c.host,
        c.args.map((a) => a()),
        new Map([...c.kwargs].map(([k, t]) => [k, t()])),
      ),
  ]),
]);

/** The names YAQL expressions can call, for documentation and the validator. */
export const YAQL_FUNCTION_NAMES: readonly string[] = [...FUNCTIONS.keys()].sort();

/** Evaluates a parsed expression against a workflow context. */
export function evaluateWorkflowYaql(node: YaqlNode, ctx: ExpressionContext): unknown {
  return evaluateYaql(node, { functions: FUNCTIONS, host: ctx });
}
