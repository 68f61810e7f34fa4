import { type InfiniteData, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type FormEvent, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { type ApiAnswer, call } from '../api/client.ts';
import { rereadAfterOpen, useStream } from '../api/stream.ts';
import type { Execution } from '../api/types.ts';
import { Empty, Failure, Loading, PageTitle, Status, took, When } from '../components/bits.tsx';
import {
  executionsPath,
  filtersFromSearch,
  filtersToSearch,
  type HistoryFilters,
  matchesFilters,
  STATUSES,
} from '../lib/history-filters.ts';
import { newerExecution, newerPages, withRowsAdded } from '../lib/newer-execution.ts';

const PAGE = 100;
// React sets sizes through the CSSOM, which the CSP allows (it forbids style attributes in markup).
const ROW_PX = 44;

type Pages = InfiniteData<ApiAnswer<Execution[]>, number>;

function FilterForm({ filters }: { filters: HistoryFilters }) {
  const [, setSearch] = useSearchParams();
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (k: string) => String(form.get(k) ?? '').trim() || undefined;
    const scope = text('scope');
    const next: HistoryFilters = {};
    for (const [k, v] of [
      ['status', text('status')],
      ['action', text('action')],
      ['user', text('user')],
      ['after', text('after')],
      ['before', text('before')],
      ['parent', text('parent')],
    ] as const) {
      if (v) next[k] = v;
    }
    if (scope === 'top' || (scope === 'children' && next.parent)) next.scope = scope;
    setSearch(filtersToSearch(next));
  };
  const active = Object.keys(filters).filter((k) => k !== 'parent').length;
  // Open on wide screens; on a phone the filters would push the rows out of view.
  const [open] = useState(() => !window.matchMedia('(max-width: 700px)').matches);
  return (
    <details className="filter-box" open={open}>
      <summary>Filters{active > 0 ? ` (${active} active)` : ''}</summary>
      <form className="filters" onSubmit={apply} aria-label="Filter executions" key={JSON.stringify(filters)}>
        <label>
          Status
          <select name="status" defaultValue={filters.status ?? ''}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Action
          <input name="action" placeholder="core.local" defaultValue={filters.action ?? ''} />
        </label>
        <label>
          User
          <input name="user" defaultValue={filters.user ?? ''} />
        </label>
        <label>
          Started after
          <input name="after" type="datetime-local" defaultValue={filters.after ?? ''} />
        </label>
        <label>
          Started before
          <input name="before" type="datetime-local" defaultValue={filters.before ?? ''} />
        </label>
        <label>
          Show
          <select name="scope" defaultValue={filters.scope ?? ''}>
            <option value="">all executions</option>
            <option value="top">top-level only</option>
            <option value="children">children of…</option>
          </select>
        </label>
        <label>
          Parent id
          <input name="parent" defaultValue={filters.parent ?? ''} />
        </label>
        <div className="filter-buttons">
          <button type="submit" className="primary">
            Filter
          </button>
          <button type="button" onClick={() => setSearch(new URLSearchParams())}>
            Clear
          </button>
        </div>
      </form>
    </details>
  );
}

function Row({ e }: { e: Execution }) {
  return (
    <tr>
      <td className="c-id">
        <Link to={`/executions/${e.id}`} aria-label={`Execution ${e.id} of ${e.action.ref}`}>
          {e.id.slice(-8)}
        </Link>
      </td>
      <td className="c-action">
        {e.action.ref}
        {e.parent ? <span className="muted small"> (child)</span> : null}
      </td>
      <td className="c-status">
        <Status status={e.status} />
      </td>
      <td className="c-user">{e.context?.user ?? ''}</td>
      <td className="c-started">
        <When iso={e.start_timestamp} />
      </td>
      <td className="c-took">{took(e.start_timestamp, e.end_timestamp, e.elapsed_seconds)}</td>
    </tr>
  );
}

/**
 * The execution history: filters in the URL, pages fetched from the server as the list scrolls, only
 * the visible rows in the DOM, new and changed executions merged in live from the stream.
 */
export function ExecutionsPage() {
  const [search] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const key = useMemo(() => ['executions', filters] as const, [filters]);
  const queries = useQueryClient();
  // Rows the stream put in the list, which a re-read answered before they existed or matched would drop.
  const streamed = useRef(new Set<string>());
  const list = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam, signal }) => call<Execution[]>(executionsPath(filters, pageParam, PAGE), { signal }),
    initialPageParam: 0,
    // A re-read (once the stream is open) may have been answered before the stream's latest news.
    structuralSharing: (old, next) => newerPages(old as Pages | undefined, next as Pages, streamed.current),
    getNextPageParam: (last, all) => {
      const loaded = all.reduce((n, p) => n + p.data.length, 0);
      return last.data.length === PAGE && loaded < (last.total ?? Number.POSITIVE_INFINITY) ? loaded : undefined;
    },
  });

  useStream(
    ['st2.execution__create', 'st2.execution__update'],
    (_event, data) => {
      const e = data as Execution;
      queries.setQueryData<Pages>(key, (old) => {
        if (!old) return old;
        let found = false;
        const pages = old.pages.map((p) => ({
          ...p,
          data: p.data.map((row) => {
            if (row.id !== e.id) return row;
            found = true;
            return newerExecution(row, { ...row, ...e });
          }),
        }));
        // Not shown yet but now matching: new, or changed into the filter (created `requested`, then `failed`).
        if (!found && matchesFilters(e, filters) && pages[0]) {
          streamed.current.add(e.id);
          pages[0] = withRowsAdded(pages[0], [e]);
        }
        return { ...old, pages };
      });
    },
    { onOpen: () => rereadAfterOpen(queries, key) },
  );

  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const total = list.data?.pages[0]?.total;
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 10,
  });
  const items = virtual.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  // Only the rows in view are rendered; empty rows above and below keep the scrollbar true.
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtual.getTotalSize() - (items.at(-1)?.end ?? 0);
  if (list.hasNextPage && !list.isFetchingNextPage && lastIndex >= rows.length - 20) void list.fetchNextPage();

  return (
    <>
      <PageTitle>Executions</PageTitle>
      <FilterForm filters={filters} />
      {list.isPending ? (
        <Loading what="executions" />
      ) : list.isError ? (
        <Failure error={list.error} what="executions" />
      ) : rows.length === 0 ? (
        <Empty>
          <p>No executions match.</p>
          <p className="muted">
            Clear the filters, or run an action from <Link to="/actions">Actions</Link>.
          </p>
        </Empty>
      ) : (
        <div className="history">
          <div className="history-body" ref={scroller}>
            <table aria-label="Executions" aria-rowcount={(total ?? rows.length) + 1}>
              <thead>
                <tr>
                  <th scope="col" className="c-id">
                    Id
                  </th>
                  <th scope="col" className="c-action">
                    Action
                  </th>
                  <th scope="col" className="c-status">
                    Status
                  </th>
                  <th scope="col" className="c-user">
                    User
                  </th>
                  <th scope="col" className="c-started">
                    Started
                  </th>
                  <th scope="col" className="c-took">
                    Took
                  </th>
                </tr>
              </thead>
              <tbody>
                {padTop > 0 ? (
                  <tr className="pad">
                    <td colSpan={6} style={{ height: padTop }} />
                  </tr>
                ) : null}
                {items.map((v) => (
                  <Row key={rows[v.index]!.id} e={rows[v.index]!} />
                ))}
                {padBottom > 0 ? (
                  <tr className="pad">
                    <td colSpan={6} style={{ height: padBottom }} />
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
          <p className="muted small" aria-live="polite">
            {total !== undefined ? `${rows.length} of ${total} loaded` : `${rows.length} loaded`}
            {list.isFetchingNextPage ? ' · loading more…' : ''}
          </p>
        </div>
      )}
    </>
  );
}
