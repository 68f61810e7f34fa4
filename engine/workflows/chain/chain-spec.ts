import { parse as parseYaml } from 'yaml';
import { SquallError } from '../../errors.js';

/** One task of an action-chain (StackStorm's `Node`). */
export interface ChainNode {
  readonly name: string;
  readonly ref: string;
  /** Definition values: strings in it are Jinja templates (`params` is st2's older spelling). */
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly onSuccess: string | undefined;
  readonly onFailure: string | undefined;
  readonly publish: Readonly<Record<string, unknown>>;
}

/** A parsed action-chain definition (`chain`, `default`, `vars`), as st2's ActionChain model reads it. */
export interface ChainSpec {
  readonly chain: readonly ChainNode[];
  /** The first task: `default`, else the first task no other task links to, else the first. */
  readonly start: string;
  readonly vars: Readonly<Record<string, unknown>>;
}

const TOP_KEYS = new Set(['chain', 'default', 'vars', 'name', 'description']);
const NODE_KEYS = new Set(['name', 'ref', 'parameters', 'params', 'on-success', 'on-failure', 'publish', 'notify']);
const NAME = /^\w+$/;

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses and checks an action-chain file: every task named (`\w+`) once with a `ref`, links and
 * `default` naming tasks that exist. Problems are `path: message` lines, as `workflow validate` prints.
 */
export function validateChain(source: string): { spec: ChainSpec | undefined; problems: string[] } {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(source) as unknown;
  } catch (e) {
    return {
      spec: undefined,
      problems: [`the YAML cannot be parsed: ${String((e as Error).message).split('\n', 1)[0]}`],
    };
  }
  if (!isDict(doc)) return { spec: undefined, problems: ['an action-chain must be a mapping with a `chain` list'] };
  for (const k of Object.keys(doc)) if (!TOP_KEYS.has(k)) problems.push(`${k}: unknown key`);
  if (!Array.isArray(doc.chain) || doc.chain.length === 0) {
    problems.push('chain: must be a non-empty list of tasks');
    return { spec: undefined, problems };
  }
  if (doc.vars !== undefined && !isDict(doc.vars)) problems.push('vars: must be a mapping');
  const nodes: ChainNode[] = [];
  const paths: string[] = [];
  const names = new Set<string>();
  doc.chain.forEach((raw: unknown, i: number) => {
    const at = `chain[${i}]`;
    if (!isDict(raw)) {
      problems.push(`${at}: must be a mapping`);
      return;
    }
    for (const k of Object.keys(raw)) if (!NODE_KEYS.has(k)) problems.push(`${at}.${k}: unknown key`);
    const name = raw.name;
    if (typeof name !== 'string' || !NAME.test(name)) {
      problems.push(`${at}.name: is required, letters, digits and underscores only`);
      return;
    }
    if (names.has(name)) problems.push(`${at}.name: task "${name}" is defined twice`);
    names.add(name);
    if (typeof raw.ref !== 'string' || raw.ref === '') problems.push(`${at}.ref: is required (an action ref)`);
    const parameters = raw.parameters ?? raw.params ?? {};
    if (!isDict(parameters)) problems.push(`${at}.parameters: must be a mapping`);
    if (raw.publish !== undefined && !isDict(raw.publish)) problems.push(`${at}.publish: must be a mapping`);
    for (const link of ['on-success', 'on-failure'] as const) {
      if (raw[link] !== undefined && raw[link] !== null && typeof raw[link] !== 'string')
        problems.push(`${at}.${link}: must be a task name`);
    }
    paths.push(at);
    nodes.push({
      name,
      ref: typeof raw.ref === 'string' ? raw.ref : '',
      parameters: isDict(parameters) ? parameters : {},
      onSuccess: typeof raw['on-success'] === 'string' ? raw['on-success'] : undefined,
      onFailure: typeof raw['on-failure'] === 'string' ? raw['on-failure'] : undefined,
      publish: isDict(raw.publish) ? raw.publish : {},
    });
  });
  nodes.forEach((n, i) => {
    if (n.onSuccess !== undefined && !names.has(n.onSuccess))
      problems.push(`${paths[i]}.on-success: task "${n.onSuccess}" is not defined`);
    if (n.onFailure !== undefined && !names.has(n.onFailure))
      problems.push(`${paths[i]}.on-failure: task "${n.onFailure}" is not defined`);
  });
  if (doc.default !== undefined && (typeof doc.default !== 'string' || !names.has(doc.default)))
    problems.push(`default: task "${String(doc.default)}" is not defined`);
  if (problems.length > 0 || nodes.length === 0) return { spec: undefined, problems };
  const linked = new Set(nodes.flatMap((n) => [n.onSuccess, n.onFailure]));
  const start =
    typeof doc.default === 'string'
      ? doc.default
      : (nodes.find((n) => !linked.has(n.name)) ?? (nodes[0] as ChainNode)).name;
  return { spec: { chain: nodes, start, vars: isDict(doc.vars) ? doc.vars : {} }, problems };
}

/** @throws SquallError SQ_VALIDATION naming the file and each problem */
export function parseChain(source: string, file: string): ChainSpec {
  const { spec, problems } = validateChain(source);
  if (spec === undefined)
    throw new SquallError('SQ_VALIDATION', `action-chain ${file} is invalid: ${problems.join('; ')}`);
  return spec;
}
