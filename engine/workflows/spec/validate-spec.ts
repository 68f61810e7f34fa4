import { YAQL_FUNCTION_NAMES } from '../yaql/yaql-workflow.js';
import { inspectString } from './expression-refs.js';
import { parseWorkflowSpec } from './parse-spec.js';
import { isEngineCommand, type SpecProblem, type TaskSpec, type WorkflowSpec } from './spec-types.js';
import { WorkflowGraph } from './workflow-graph.js';

const FUNCTIONS: ReadonlySet<string> = new Set(YAQL_FUNCTION_NAMES);

export interface ValidationResult {
  readonly spec: WorkflowSpec | undefined;
  /** Every problem, syntax first, in document order within each kind. */
  readonly problems: readonly SpecProblem[];
}

/**
 * Parses and inspects a workflow without running it: syntax, graph semantics, expression syntax and
 * functions, and variables read before any path assigns them.
 *
 * @example validateWorkflow(readFileSync('wf.yaml', 'utf8')).problems.map(formatProblem)
 */
export function validateWorkflow(source: string | unknown): ValidationResult {
  const parsed = parseWorkflowSpec(source);
  const problems: SpecProblem[] = [...parsed.problems];
  const spec = parsed.spec;
  if (spec === undefined || spec.tasks.size === 0) return { spec, problems };
  const graph = new WorkflowGraph(spec);
  problems.push(...semantics(spec, graph));
  problems.push(...expressionsAndContext(spec, graph));
  return { spec, problems };
}

function semantics(spec: WorkflowSpec, graph: WorkflowGraph): SpecProblem[] {
  const out: SpecProblem[] = [];
  const err = (path: string, message: string) => out.push({ path, message, type: 'semantic' });
  for (const task of spec.tasks.values()) {
    const path = `tasks.${task.name}`;
    if (isEngineCommand(task.name)) err(path, `"${task.name}" is an engine command and cannot name a task`);
    if (task.with !== undefined && task.action === undefined)
      err(path, 'The action property is required for with items task.');
    task.next.forEach((t, i) => {
      for (const target of t.do) {
        if (!spec.tasks.has(target) && !isEngineCommand(target))
          err(`${path}.next[${i}].do`, `task "${target}" is not defined`);
      }
    });
  }
  if (graph.startTasks().length === 0) {
    err(
      'tasks',
      'Unable to identify any tasks to start the workflow. If the workflow has a loop, please add a task that serves as an entry point (or lead) into the loop.',
    );
  }
  return out;
}

/** A definition value and where it sits. */
interface Located {
  readonly path: string;
  readonly value: unknown;
}

function strings(value: unknown, path: string, out: Located[] = []): Located[] {
  if (typeof value === 'string') out.push({ path, value });
  else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      strings(v, `${path}[${i}]`, out);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.push({ path: `${path}.${k}`, value: k });
      strings(v, `${path}.${k}`, out);
    }
  }
  return out;
}

function expressionsAndContext(spec: WorkflowSpec, graph: WorkflowGraph): SpecProblem[] {
  const out: SpecProblem[] = [];
  const check = (path: string, value: unknown, known: ReadonlySet<string> | undefined) => {
    for (const s of strings(value, path)) {
      const found = inspectString(String(s.value), FUNCTIONS);
      for (const message of found.problems) out.push({ path: s.path, message, type: 'expression' });
      if (known === undefined) continue;
      for (const v of found.variables) {
        if (v.startsWith('__')) {
          out.push({
            path: s.path,
            message: `Variable "${v}" that is prefixed with double underscores is considered a private variable and cannot be referenced.`,
            type: 'context',
          });
        } else if (!known.has(v)) {
          out.push({ path: s.path, message: `Variable "${v}" is referenced before assignment.`, type: 'context' });
        }
      }
    }
  };
  const base = new Set<string>();
  spec.input.forEach((inp, i) => {
    if (inp.hasDefault) check(`input[${i}].${inp.name}`, inp.default, base);
    base.add(inp.name);
  });
  spec.vars.forEach((v, i) => {
    check(`vars[${i}].${v.name}`, v.value, base);
    base.add(v.name);
  });
  const known = knownVariables(spec, graph, base);
  const everything = new Set(base);
  for (const task of spec.tasks.values()) for (const t of task.next) for (const p of t.publish) everything.add(p.name);
  for (const task of spec.tasks.values()) checkTask(task, known.get(task.name), check);
  const outputs = new Set(everything);
  spec.output.forEach((o, i) => {
    check(`output[${i}].${o.name}`, o.value, outputs);
    outputs.add(o.name);
  });
  return out;
}

type Check = (path: string, value: unknown, known: ReadonlySet<string> | undefined) => void;

function checkTask(task: TaskSpec, known: ReadonlySet<string> | undefined, check: Check): void {
  const path = `tasks.${task.name}`;
  check(`${path}.action`, task.action, known);
  check(`${path}.input`, task.input, known);
  check(`${path}.delay`, task.delay, known);
  if (task.with !== undefined) {
    check(`${path}.with.items`, task.with.items, known);
    check(`${path}.with.concurrency`, task.with.concurrency, known);
  }
  if (task.retry !== undefined) {
    check(`${path}.retry.when`, task.retry.when, known);
    check(`${path}.retry.count`, task.retry.count, known);
    check(`${path}.retry.delay`, task.retry.delay, known);
  }
  task.next.forEach((t, i) => {
    check(`${path}.next[${i}].when`, t.when, known);
    const seen = new Set(known);
    t.publish.forEach((p, j) => {
      check(`${path}.next[${i}].publish[${j}].${p.name}`, p.value, known === undefined ? undefined : seen);
      seen.add(p.name);
    });
  });
}

/**
 * Variables known on entry to each task: inputs and vars, plus what every path into it publishes.
 * A task that runs once per path must have the variable on every path (intersection); a join merges
 * its branches, so a variable published on any branch into it is known there (union) — the deliberate
 * fix for orquesta's check, which misses publishes on the longer branch. Undefined means unreachable.
 */
function knownVariables(spec: WorkflowSpec, graph: WorkflowGraph, base: ReadonlySet<string>): Map<string, Set<string>> {
  const known = new Map<string, Set<string>>();
  for (const name of graph.startTasks()) known.set(name, new Set(base));
  for (let round = 0; round < spec.tasks.size * 4 + 4; round++) {
    let changed = false;
    for (const task of spec.tasks.values()) {
      const edges = graph.inbound(task.name);
      if (edges.length === 0) continue;
      let acc: Set<string> | undefined;
      for (const e of edges) {
        const from = known.get(e.source);
        if (from === undefined) continue;
        const arriving = new Set(from);
        for (const p of spec.tasks.get(e.source)?.next[e.transition]?.publish ?? []) arriving.add(p.name);
        if (acc === undefined) acc = arriving;
        else if (task.join !== undefined) for (const v of arriving) acc.add(v);
        else acc = new Set([...acc].filter((v) => arriving.has(v)));
      }
      if (acc === undefined) continue;
      const prev = known.get(task.name);
      if (prev === undefined || prev.size !== acc.size || [...acc].some((v) => !prev.has(v))) {
        known.set(task.name, acc);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return known;
}
