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

/** A history page as the list holds it: rows newest first, and the filter's total when the server gave one. */
interface RowsPage {
  data: Execution[];
  total?: number;
}

/** `page` with rows it did not hold put in their place (newest first), its total counting them. */
export function withRowsAdded<P extends RowsPage>(page: P, rows: readonly Execution[]): P {
  const data = [...rows, ...page.data].sort((a, b) => b.start_timestamp.localeCompare(a.start_timestamp));
  return { ...page, data, total: (page.total ?? 0) + rows.length };
}

/**
 * Re-read history pages merged into the ones on screen: each row keeps the newer of its two views, and
 * a row the stream added that the re-read lacks (it was read before that row existed or matched) stays.
 */
export function newerPages<T extends { pages: RowsPage[] }>(
  old: T | undefined,
  next: T,
  streamed: ReadonlySet<string>,
): T {
  if (old === undefined) return next;
  const onScreen = new Map(old.pages.flatMap((p) => p.data.map((e) => [e.id, e] as const)));
  const read = new Set(next.pages.flatMap((p) => p.data.map((e) => e.id)));
  const pages = next.pages.map((p) => ({ ...p, data: p.data.map((e) => newerExecution(onScreen.get(e.id), e)) }));
  const kept = [...onScreen.values()].filter((e) => streamed.has(e.id) && !read.has(e.id));
  const first = pages[0];
  if (kept.length > 0 && first !== undefined) pages[0] = withRowsAdded(first, kept);
  return { ...next, pages };
}
