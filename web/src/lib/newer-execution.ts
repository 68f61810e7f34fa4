import type { Execution } from '../api/types.ts';

/**
 * Of two views of one execution, the later one. The API answer, the stream's updates and a cancel's
 * answer arrive in any order, so the page must not let an older snapshot undo newer news. Every
 * status change appends to `log`, so the longer log is the later view; on a tie the incoming one wins
 * (same status, fresher fields such as the result).
 */
export function newerExecution(old: Execution | undefined, next: Execution): Execution {
  if (old === undefined || old.id !== next.id) return next;
  return (next.log?.length ?? 0) >= (old.log?.length ?? 0) ? next : old;
}

/** A fresh list of executions merged into the one on screen, row by row, keeping rows it lacks (created since). */
export function newerExecutions(old: Execution[] | undefined, next: Execution[]): Execution[] {
  if (old === undefined) return next;
  const byId = new Map(old.map((e) => [e.id, e]));
  const merged = next.map((e) => newerExecution(byId.get(e.id), e));
  const seen = new Set(next.map((e) => e.id));
  return [...merged, ...old.filter((e) => !seen.has(e.id))];
}
