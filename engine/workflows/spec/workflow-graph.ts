import { isEngineCommand, type TaskSpec, type WorkflowSpec } from './spec-types.js';

/** One (transition, target) pair: orquesta's graph edge. */
export interface Edge {
  readonly source: string;
  readonly target: string;
  /** Index of the transition in the source's `next`. */
  readonly transition: number;
  /** `<target>__t<k>`, k counting only this task's transitions to the same target. */
  readonly id: string;
}

/**
 * The task graph of a workflow, computed once per spec: edges, inbound counts, cycles. It follows
 * orquesta's composer (composers/native.py) so that routes and join counts come out the same.
 */
export class WorkflowGraph {
  readonly #out = new Map<string, Edge[]>();
  readonly #in = new Map<string, Edge[]>();
  readonly #cyclic = new Set<string>();

  constructor(readonly spec: WorkflowSpec) {
    for (const task of spec.tasks.values()) {
      const counts = new Map<string, number>();
      const edges: Edge[] = [];
      task.next.forEach((t, i) => {
        for (const target of t.do) {
          if (target === 'retry') continue;
          const k = counts.get(target) ?? 0;
          counts.set(target, k + 1);
          edges.push({ source: task.name, target, transition: i, id: `${target}__t${k}` });
        }
      });
      // orquesta walks outbound edges sorted by target name, not in definition order.
      edges.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : a.id < b.id ? -1 : 1));
      this.#out.set(task.name, edges);
      for (const e of edges) this.#in.set(e.target, [...(this.#in.get(e.target) ?? []), e]);
    }
    for (const name of spec.tasks.keys()) if (this.reaches(name, name)) this.#cyclic.add(name);
  }

  outbound(name: string): readonly Edge[] {
    return this.#out.get(name) ?? [];
  }

  inbound(name: string): readonly Edge[] {
    return this.#in.get(name) ?? [];
  }

  /** Distinct tasks with a transition into `name`: what a join counts. */
  inboundTasks(name: string): string[] {
    return [...new Set(this.inbound(name).map((e) => e.source))];
  }

  /** Tasks no transition references: where the workflow starts. */
  startTasks(): string[] {
    return [...this.spec.tasks.keys()].filter((n) => this.inbound(n).length === 0);
  }

  inCycle(name: string): boolean {
    return this.#cyclic.has(name);
  }

  /** A task reached by more than one transition, not a join and not in a cycle: it runs once per path. */
  isSplit(name: string): boolean {
    const task: TaskSpec | undefined = this.spec.tasks.get(name);
    if (task?.join !== undefined) return false;
    return this.inbound(name).length > 1 && (isEngineCommand(name) || !this.inCycle(name));
  }

  /** The number of inbound tasks a join waits for (`join: 0` acts as 1, as in orquesta). */
  joinRequirement(name: string): number {
    const join = this.spec.tasks.get(name)?.join;
    const all = this.inboundTasks(name).length;
    if (join === undefined) return 1;
    return join === 'all' ? all : Math.max(1, join);
  }

  /** A path of transitions leads from `from` to `to`. */
  reaches(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = this.outbound(from).map((e) => e.target);
    while (stack.length > 0) {
      const n = stack.pop() as string;
      if (n === to) return true;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const e of this.outbound(n)) stack.push(e.target);
    }
    return false;
  }
}
