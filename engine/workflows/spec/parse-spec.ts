import { parsePyYaml } from '../../../lib/pyyaml.js';
import { parseInlineParams } from './inline-params.js';
import type {
  NamedValue,
  RetrySpec,
  SpecProblem,
  TaskSpec,
  TransitionSpec,
  WithItemsSpec,
  WorkflowInput,
  WorkflowSpec,
} from './spec-types.js';

export interface ParsedSpec {
  /** Undefined when the document is too broken to use; problems say why. */
  readonly spec: WorkflowSpec | undefined;
  /** Syntax problems (shape, types, unknown keys). */
  readonly problems: readonly SpecProblem[];
}

const TOP_KEYS = new Set(['version', 'description', 'name', 'tags', 'input', 'vars', 'tasks', 'output']);
const TASK_KEYS = new Set(['action', 'input', 'next', 'join', 'with', 'retry', 'delay']);
const NEXT_KEYS = new Set(['when', 'publish', 'do']);
const TASK_NAME = /^\w+$/;
const ITEMS_FORM = /^\s*((?:\w+\s*,\s*)*\w+)\s+in\s+(.+)$/s;

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses YAML text (or an already-parsed document) into a spec, collecting syntax problems. */
export function parseWorkflowSpec(source: string | unknown): ParsedSpec {
  const problems: SpecProblem[] = [];
  const err = (path: string, message: string) => problems.push({ path, message, type: 'syntax' });
  let doc: unknown = source;
  if (typeof source === 'string') {
    // Workflows are pack files: YAML 1.1 as StackStorm's PyYAML reads it.
    const read = parsePyYaml(source);
    if (!read.ok) {
      err('', `the YAML cannot be parsed: ${read.message}`);
      return { spec: undefined, problems };
    }
    doc = read.data;
  }
  if (!isDict(doc)) {
    err('', 'a workflow must be a mapping with version and tasks');
    return { spec: undefined, problems };
  }
  for (const k of Object.keys(doc)) if (!TOP_KEYS.has(k)) err(k, 'is not a workflow property');
  if (doc.version !== undefined && doc.version !== '1.0' && doc.version !== 1) {
    err('version', `${String(doc.version)} is not one of ['1.0', 1.0]`);
  }
  if (doc.description !== undefined && typeof doc.description !== 'string') err('description', 'must be a string');
  const input = parseInputs(doc.input, err);
  const vars = parseNamedList(doc.vars, 'vars', err);
  const output = parseNamedList(doc.output, 'output', err);
  const tasks = new Map<string, TaskSpec>();
  if (doc.tasks === undefined) err('tasks', 'is required');
  else if (!isDict(doc.tasks) || Object.keys(doc.tasks).length === 0)
    err('tasks', 'must be a non-empty mapping of task names to tasks');
  else {
    for (const [name, raw] of Object.entries(doc.tasks)) {
      const path = `tasks.${name}`;
      if (!TASK_NAME.test(name)) err(path, `task name "${name}" must be letters, digits and underscores only (\\w+)`);
      const task = parseTask(name, raw, path, err);
      if (task !== undefined) tasks.set(name, task);
    }
  }
  const spec: WorkflowSpec = {
    description: typeof doc.description === 'string' ? doc.description : undefined,
    input,
    vars,
    tasks,
    output,
  };
  return { spec, problems };
}

type Err = (path: string, message: string) => void;

function parseInputs(raw: unknown, err: Err): WorkflowInput[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    err('input', 'must be a list of names or {name: default}');
    return [];
  }
  const out: WorkflowInput[] = [];
  raw.forEach((item, i) => {
    if (typeof item === 'string') out.push({ name: item, hasDefault: false, default: null });
    else if (isDict(item) && Object.keys(item).length === 1) {
      const [name, value] = Object.entries(item)[0] as [string, unknown];
      out.push({ name, hasDefault: true, default: value });
    } else err(`input[${i}]`, 'must be a name or a one-key mapping {name: default}');
  });
  unique(out, 'input', err);
  return out;
}

function parseNamedList(raw: unknown, path: string, err: Err): NamedValue[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    err(path, 'must be a list of one-key mappings');
    return [];
  }
  const out: NamedValue[] = [];
  raw.forEach((item, i) => {
    if (isDict(item) && Object.keys(item).length === 1) {
      const [name, value] = Object.entries(item)[0] as [string, unknown];
      out.push({ name, value });
    } else err(`${path}[${i}]`, 'must be a one-key mapping {name: value}');
  });
  unique(out, path, err);
  return out;
}

function unique(items: readonly { name: string }[], path: string, err: Err): void {
  const seen = new Set<string>();
  for (const { name } of items) {
    if (seen.has(name)) err(path, `"${name}" is listed more than once`);
    seen.add(name);
  }
}

function parseTask(name: string, raw: unknown, path: string, err: Err): TaskSpec | undefined {
  if (raw === null || raw === undefined) raw = {};
  if (!isDict(raw)) {
    err(path, 'a task must be a mapping');
    return undefined;
  }
  for (const k of Object.keys(raw)) if (!TASK_KEYS.has(k)) err(`${path}.${k}`, 'is not a task property');
  let action: string | undefined;
  let input: TaskSpec['input'];
  if (raw.action !== undefined) {
    if (typeof raw.action !== 'string' || raw.action.trim() === '') err(`${path}.action`, 'must be a non-empty string');
    else action = raw.action.trim();
  }
  if (raw.input !== undefined) {
    if (isDict(raw.input) && Object.keys(raw.input).length > 0) input = raw.input;
    else if (typeof raw.input === 'string') input = raw.input;
    else err(`${path}.input`, 'must be a non-empty mapping or an expression');
  }
  if (action?.includes(' ')) {
    // `pack.action k=v`: when at least one pair parses, the text before the first space is the action
    // and the pairs replace `input` (orquesta's TaskSpec).
    const params = parseInlineParams(action.slice(action.indexOf(' ') + 1));
    if (params.length > 0) {
      action = action.slice(0, action.indexOf(' '));
      input = Object.fromEntries(params.map((p) => [p.key, p.value]));
    }
  }
  return {
    name,
    action,
    input,
    next: parseNext(raw.next, `${path}.next`, err),
    join: parseJoin(raw.join, `${path}.join`, err),
    with: parseWith(raw.with, `${path}.with`, err),
    retry: parseRetry(raw.retry, `${path}.retry`, err),
    delay: parseIntOrExpr(raw.delay, `${path}.delay`, err),
  };
}

function parseNext(raw: unknown, path: string, err: Err): TransitionSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    err(path, 'must be a list of transitions');
    return [];
  }
  const out: TransitionSpec[] = [];
  raw.forEach((t, i) => {
    const at = `${path}[${i}]`;
    if (!isDict(t)) {
      err(at, 'a transition must be a mapping with when, publish and do');
      return;
    }
    for (const k of Object.keys(t)) if (!NEXT_KEYS.has(k)) err(`${at}.${k}`, 'is not a transition property');
    let when: string | undefined;
    if (t.when !== undefined) {
      if (typeof t.when === 'string') when = t.when;
      else err(`${at}.when`, 'must be an expression string');
    }
    out.push({ when, publish: parsePublish(t.publish, `${at}.publish`, err), do: parseDo(t.do, `${at}.do`, err) });
  });
  return out;
}

function parsePublish(raw: unknown, path: string, err: Err): NamedValue[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string') return parseInlineParams(raw).map((p) => ({ name: p.key, value: p.value }));
  return parseNamedList(raw, path, err);
}

function parseDo(raw: unknown, path: string, err: Err): string[] {
  if (raw === undefined || raw === null) return ['continue'];
  const names = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
  if (names === undefined || names.some((n) => typeof n !== 'string')) {
    err(path, 'must be a task name, a comma-separated list or a list of names');
    return [];
  }
  const out = (names as string[]).map((n) => n.trim()).filter((n) => n !== '');
  if (out.length === 0) err(path, 'names no task');
  if (new Set(out).size !== out.length) err(path, 'lists a task more than once');
  return out;
}

function parseJoin(raw: unknown, path: string, err: Err): TaskSpec['join'] {
  if (raw === undefined || raw === null) return undefined;
  if (raw === 'all') return 'all';
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return raw;
  err(path, 'must be "all" or a whole number of inbound tasks');
  return undefined;
}

function parseWith(raw: unknown, path: string, err: Err): WithItemsSpec | undefined {
  if (raw === undefined || raw === null) return undefined;
  const items = typeof raw === 'string' ? raw : isDict(raw) ? raw.items : undefined;
  if (isDict(raw)) {
    for (const k of Object.keys(raw))
      if (k !== 'items' && k !== 'concurrency') err(`${path}.${k}`, 'is not a with property');
  }
  if (typeof items !== 'string' || items.trim() === '') {
    err(typeof raw === 'string' ? path : `${path}.items`, 'must be an expression, or "name in <expression>"');
    return undefined;
  }
  const m = ITEMS_FORM.exec(items);
  const concurrency = isDict(raw) ? parseIntOrExpr(raw.concurrency, `${path}.concurrency`, err) : undefined;
  if (m !== null && !/^\s*(<%|\{\{)/.test(items)) {
    return { items: (m[2] as string).trim(), names: (m[1] as string).split(',').map((s) => s.trim()), concurrency };
  }
  return { items: items.trim(), names: [], concurrency };
}

function parseRetry(raw: unknown, path: string, err: Err): RetrySpec | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isDict(raw)) {
    err(path, 'must be a mapping with count, and optionally when and delay');
    return undefined;
  }
  for (const k of Object.keys(raw))
    if (!['when', 'count', 'delay'].includes(k)) err(`${path}.${k}`, 'is not a retry property');
  if (raw.count === undefined) err(`${path}.count`, 'is required');
  if (raw.when !== undefined && typeof raw.when !== 'string') err(`${path}.when`, 'must be an expression string');
  const count = parseIntOrExpr(raw.count, `${path}.count`, err);
  return {
    when: typeof raw.when === 'string' ? raw.when : undefined,
    count: count ?? 0,
    delay: parseIntOrExpr(raw.delay, `${path}.delay`, err),
  };
}

function parseIntOrExpr(raw: unknown, path: string, err: Err): number | string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return raw;
  if (typeof raw === 'string' && raw.trim() !== '') return raw;
  err(path, 'must be a whole number or an expression');
  return undefined;
}
