import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { get } from '../api/client.ts';
import type { Action } from '../api/types.ts';
import { Empty, Failure, Loading, PageTitle } from '../components/bits.tsx';

/** Every action, searchable by ref and description (the search is kept in the URL). */
export function ActionsPage() {
  const [search, setSearch] = useSearchParams();
  const text = search.get('q') ?? '';
  const q = useQuery({
    queryKey: ['actions'],
    queryFn: ({ signal }) =>
      get<Action[]>(
        '/api/v1/actions?limit=-1&include_attributes=id,ref,pack,name,description,enabled,runner_type',
        signal,
      ),
  });
  const needle = text.trim().toLowerCase();
  const shown = (q.data ?? []).filter(
    (a) => !needle || a.ref.toLowerCase().includes(needle) || (a.description ?? '').toLowerCase().includes(needle),
  );
  return (
    <>
      <PageTitle>Actions</PageTitle>
      <div className="filters">
        <label>
          Search actions
          <input
            type="search"
            value={text}
            placeholder="core.local, http, …"
            onChange={(e) => setSearch(e.target.value ? { q: e.target.value } : {}, { replace: true })}
          />
        </label>
      </div>
      {q.isPending ? (
        <Loading what="actions" />
      ) : q.isError ? (
        <Failure error={q.error} what="actions" />
      ) : shown.length === 0 ? (
        <Empty>
          <p>{needle ? `No action matches “${text}”.` : 'No actions are registered.'}</p>
          <p className="muted">{needle ? 'Try a shorter search.' : 'Register packs from the Packs page.'}</p>
        </Empty>
      ) : (
        <ul className="cards" aria-label="Actions">
          {shown.map((a) => (
            <li key={a.id} className="card">
              <Link to={`/actions/${a.ref}`} className="title">
                {a.ref}
              </Link>
              <span className="muted small"> {a.runner_type}</span>
              {a.enabled === false ? <span className="badge">disabled</span> : null}
              <p className="small">{a.description}</p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
