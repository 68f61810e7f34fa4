import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { call, get } from '../api/client.ts';
import { useSession } from '../api/session.tsx';
import type { Action } from '../api/types.ts';
import { Empty, Failure, Loading, PageTitle } from '../components/bits.tsx';

interface Pack {
  id?: string;
  ref: string;
  name: string;
  description?: string;
  version?: string;
}

interface Named {
  ref: string;
  name: string;
}

interface RegisterReport {
  registered_packs?: string[];
  problems?: { file?: string; field?: string; problem: string }[];
  [kind: string]: unknown;
}

function Content({ pack }: { pack: string }) {
  const list = <T,>(path: string) => ({
    queryKey: [path],
    queryFn: ({ signal }: { signal: AbortSignal }) => get<T[]>(path, signal),
  });
  const actions = useQuery(list<Action>(`/api/v1/actions?pack=${encodeURIComponent(pack)}&limit=-1`));
  const rules = useQuery(list<Named>(`/api/v1/rules?pack=${encodeURIComponent(pack)}&limit=-1`));
  const aliases = useQuery(list<Named>(`/api/v1/actionalias?pack=${encodeURIComponent(pack)}&limit=-1`));
  const part = (label: string, q: typeof rules, link?: (n: Named) => string) => (
    <div>
      <h3>{label}</h3>
      {q.isPending ? (
        <Loading what={label.toLowerCase()} />
      ) : q.isError ? (
        <Failure error={q.error} what={label.toLowerCase()} />
      ) : q.data.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="plain-list">
          {q.data.map((n) => (
            <li key={n.ref}>{link ? <Link to={link(n)}>{n.ref}</Link> : n.ref}</li>
          ))}
        </ul>
      )}
    </div>
  );
  return (
    <div className="columns three">
      {part('Actions', actions as typeof rules, (n) => `/actions/${n.ref}`)}
      {part('Rules', rules)}
      {part('Aliases', aliases)}
    </div>
  );
}

function PackCard({ pack, mayRegister }: { pack: Pack; mayRegister: boolean }) {
  const [open, setOpen] = useState(false);
  const queries = useQueryClient();
  const register = useMutation({
    mutationFn: () => call<RegisterReport>('/api/v1/packs/register', { method: 'POST', body: { packs: [pack.ref] } }),
    onSuccess: () => queries.invalidateQueries(),
  });
  const report = register.data?.data;
  return (
    <li className="card">
      <div className="card-head">
        <button type="button" className="link title" aria-expanded={open} onClick={() => setOpen(!open)}>
          {pack.ref}
        </button>
        <span className="muted small">{pack.version}</span>
        {mayRegister ? (
          <button type="button" onClick={() => register.mutate()} disabled={register.isPending}>
            Register
          </button>
        ) : null}
      </div>
      <p className="small">{pack.description}</p>
      {register.isError ? (
        <p className="error" role="alert">
          {register.error.message}
        </p>
      ) : null}
      {report ? (
        <p role="status" className="small">
          Registered {pack.ref}
          {report.problems && report.problems.length > 0
            ? `, with problems: ${report.problems.map((p) => `${p.file ?? ''} ${p.problem}`).join('; ')}`
            : ' without problems'}
          .
        </p>
      ) : null}
      {open ? <Content pack={pack.ref} /> : null}
    </li>
  );
}

export function PacksPage() {
  const { can } = useSession();
  const q = useQuery({ queryKey: ['packs'], queryFn: ({ signal }) => get<Pack[]>('/api/v1/packs?limit=-1', signal) });
  return (
    <>
      <PageTitle>Packs</PageTitle>
      {q.isPending ? (
        <Loading what="packs" />
      ) : q.isError ? (
        <Failure error={q.error} what="packs" />
      ) : q.data.length === 0 ? (
        <Empty>No packs are registered.</Empty>
      ) : (
        <ul className="cards" aria-label="Packs">
          {q.data.map((p) => (
            <PackCard key={p.ref} pack={p} mayRegister={can('pack:register')} />
          ))}
        </ul>
      )}
    </>
  );
}
