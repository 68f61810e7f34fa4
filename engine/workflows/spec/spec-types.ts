/** A parsed Orquesta `version: 1.0` workflow, normalised: defaults applied, shorthands expanded. */
export interface WorkflowSpec {
  readonly description: string | undefined;
  /** Declared inputs in order; `default` is a definition value (it may hold expressions). */
  readonly input: readonly WorkflowInput[];
  /** `vars` in order: each is rendered after the inputs and sees the earlier ones. */
  readonly vars: readonly NamedValue[];
  /** Tasks in definition order. */
  readonly tasks: ReadonlyMap<string, TaskSpec>;
  readonly output: readonly NamedValue[];
}

export interface WorkflowInput {
  readonly name: string;
  readonly hasDefault: boolean;
  readonly default: unknown;
}

export interface NamedValue {
  readonly name: string;
  readonly value: unknown;
}

export interface TaskSpec {
  readonly name: string;
  /** Action ref (may be an expression); undefined for an action-less decision task. */
  readonly action: string | undefined;
  /** The action input: a dict, or one expression yielding the dict. */
  readonly input: Readonly<Record<string, unknown>> | string | undefined;
  readonly next: readonly TransitionSpec[];
  /** `all`, or the number of inbound tasks that must arrive. */
  readonly join: 'all' | number | undefined;
  readonly with: WithItemsSpec | undefined;
  readonly retry: RetrySpec | undefined;
  /** Seconds before the action starts: an int or an expression. */
  readonly delay: number | string | undefined;
}

export interface TransitionSpec {
  /** The condition expression; undefined means any completion. */
  readonly when: string | undefined;
  readonly publish: readonly NamedValue[];
  /** Targets: task names or engine commands; `['continue']` when `do` is missing. */
  readonly do: readonly string[];
}

export interface WithItemsSpec {
  /** The expression yielding the list. */
  readonly items: string;
  /** `a, b in <% ... %>`: each element is zipped to these names; empty for the plain form. */
  readonly names: readonly string[];
  /** An int or an expression; undefined means all items at once. */
  readonly concurrency: number | string | undefined;
}

export interface RetrySpec {
  readonly when: string | undefined;
  readonly count: number | string;
  readonly delay: number | string | undefined;
}

/** Orquesta's engine commands, usable in `do` in place of a task name. */
export const ENGINE_COMMANDS = ['continue', 'fail', 'noop', 'retry'] as const;
export type EngineCommand = (typeof ENGINE_COMMANDS)[number];

export function isEngineCommand(name: string): name is EngineCommand {
  return (ENGINE_COMMANDS as readonly string[]).includes(name);
}

/** One problem found in a workflow definition, printed as `path: message`. */
export interface SpecProblem {
  /** Where, as orquesta's spec_path (`tasks.task2.next[0].when`); empty for the document itself. */
  readonly path: string;
  readonly message: string;
  readonly type: 'syntax' | 'semantic' | 'expression' | 'context';
}

export function formatProblem(p: SpecProblem): string {
  return p.path === '' ? p.message : `${p.path}: ${p.message}`;
}
