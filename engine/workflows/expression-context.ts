/**
 * What an expression in a workflow can see: the variables of its branch and, depending on where it
 * is evaluated, the current task, the current with-items item and lookups into the run.
 */
export interface ExpressionContext {
  /** Inputs, vars and values published on the way here (branch-scoped). */
  readonly vars: Readonly<Record<string, unknown>>;
  /** Set while evaluating a task's transitions or retry condition. */
  readonly currentTask?: CurrentTask;
  /** Set while rendering one item of a with-items task. */
  readonly item?: { readonly value: unknown };
  /** Status of a task on the current route or an ancestor's; `"null"` if it never ran. */
  readonly taskStatus?: (name: string) => string;
  /** orquesta's `task(name)` record (st2 looks it up in its database). */
  readonly task?: (name: string | undefined) => unknown;
  /** A datastore lookup for `st2kv(key)`; undefined when the key does not exist. */
  readonly st2kv?: (key: string, decrypt: boolean) => unknown;
  /** Where the expression sits, for error messages: the task name (and its route). */
  readonly where?: { readonly task?: string; readonly route?: number };
}

export interface CurrentTask {
  readonly id: string;
  readonly route: number;
  readonly status: string;
  readonly result: unknown;
}
