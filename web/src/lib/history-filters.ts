import { EXECUTION_STATUSES, TERMINAL_STATUSES } from '../../../engine/model/execution-status.ts';

/** The history view's filters, kept in the page URL so that a filtered view can be shared and reloaded. */
export interface HistoryFilters {
  status?: string;
  action?: string;
  user?: string;
  /** Started after / before: `datetime-local` text (the viewer's local time), e.g. `2026-12-01T09:30`. */
  after?: string;
  before?: string;
  /** `top`: only executions without a parent; `children`: the children of `parent`. */
  scope?: 'top' | 'children';
  parent?: string;
}

const KEYS = ['status', 'action', 'user', 'after', 'before', 'scope', 'parent'] as const;

export function filtersFromSearch(search: URLSearchParams): HistoryFilters {
  const f: HistoryFilters = {};
  for (const k of KEYS) {
    const v = search.get(k)?.trim();
    if (!v) continue;
    if (k === 'scope') {
      if (v === 'top' || v === 'children') f.scope = v;
    } else f[k] = v;
  }
  if (f.parent && !f.scope) f.scope = 'children';
  if (f.scope === 'children' && !f.parent) delete f.scope;
  return f;
}

export function filtersToSearch(f: HistoryFilters): URLSearchParams {
  const out = new URLSearchParams();
  for (const k of KEYS) {
    const v = f[k];
    if (v) out.set(k, v);
  }
  if (f.scope !== 'children') out.delete('parent');
  return out;
}

/** Local `datetime-local` text as the ISO instant the API filters on, or undefined when it is not a time. */
export function localToIso(local: string | undefined): string | undefined {
  if (!local) return undefined;
  const t = new Date(local).getTime();
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** The `GET /api/v1/executions` path for one page of the filtered history. */
export function executionsPath(f: HistoryFilters, offset: number, limit: number): string {
  const q = new URLSearchParams({ limit: String(limit), offset: String(offset) });
  if (f.status) q.set('status', f.status);
  if (f.action) q.set('action', f.action);
  if (f.user) q.set('user', f.user);
  const after = localToIso(f.after);
  const before = localToIso(f.before);
  if (after) q.set('timestamp_gt', after);
  if (before) q.set('timestamp_lt', before);
  if (f.scope === 'top') q.set('parent', 'null');
  if (f.scope === 'children' && f.parent) q.set('parent', f.parent);
  q.set('exclude_attributes', 'result,parameters,log,runner');
  return `/api/v1/executions?${q}`;
}

interface Row {
  status: string;
  action: { ref: string };
  context?: { user?: string };
  start_timestamp: string;
  parent?: string;
}

/** Whether an execution that arrives on the stream belongs in the filtered view (same rules as the API). */
export function matchesFilters(e: Row, f: HistoryFilters): boolean {
  if (f.status && e.status !== f.status) return false;
  if (f.action && e.action.ref !== f.action) return false;
  if (f.user && e.context?.user !== f.user) return false;
  const started = Date.parse(e.start_timestamp);
  const after = localToIso(f.after);
  const before = localToIso(f.before);
  if (after && !(started > Date.parse(after))) return false;
  if (before && !(started < Date.parse(before))) return false;
  if (f.scope === 'top' && e.parent) return false;
  if (f.scope === 'children' && e.parent !== f.parent) return false;
  return true;
}

export const STATUSES = EXECUTION_STATUSES;

const ENDED: readonly string[] = TERMINAL_STATUSES;

/** True once an execution can change no more. */
export function isFinished(status: string): boolean {
  return ENDED.includes(status);
}
