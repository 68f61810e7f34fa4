import { useMutation, useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { call, get } from '../api/client.ts';
import { Empty, Failure, Loading, PageTitle } from '../components/bits.tsx';
import { JsonTree } from '../components/json-tree.tsx';

interface Alias {
  ref: string;
  name: string;
  pack: string;
  description?: string;
  action_ref: string;
  enabled?: boolean;
  formats?: (string | { display?: string; representation?: string[] })[];
}

interface Match {
  actionalias: Alias;
  display: string;
  representation: string;
  parameters: Record<string, unknown>;
}

function formatText(f: NonNullable<Alias['formats']>[number]): string {
  return typeof f === 'string' ? f : (f.display ?? f.representation?.join(' | ') ?? '');
}

/** Try a chat command against the aliases through the match API: which alias answers, with which parameters. */
function TryCommand() {
  const match = useMutation({
    mutationFn: (command: string) => call<Match>('/api/v1/actionalias/match', { method: 'POST', body: { command } }),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const command = String(new FormData(e.currentTarget).get('command') ?? '').trim();
    if (command) match.mutate(command);
  };
  const m = match.data?.data;
  return (
    <section aria-labelledby="try-h" className="card">
      <h2 id="try-h">Try a command</h2>
      <form onSubmit={submit} className="inline-form">
        <label htmlFor="command">Command</label>
        <input id="command" name="command" placeholder="run date on localhost" autoComplete="off" />
        <button type="submit" className="primary" disabled={match.isPending}>
          Match
        </button>
      </form>
      <div aria-live="polite">
        {match.isError ? <p className="error">{match.error.message}</p> : null}
        {m ? (
          <div className="match">
            <p>
              Matches <strong>{m.actionalias.ref}</strong> (format “{m.representation}”), which runs{' '}
              <Link to={`/actions/${m.actionalias.action_ref}`}>{m.actionalias.action_ref}</Link> with:
            </p>
            <JsonTree value={m.parameters} label="Extracted parameters" />
          </div>
        ) : null}
      </div>
    </section>
  );
}

export function AliasesPage() {
  const q = useQuery({
    queryKey: ['aliases'],
    queryFn: ({ signal }) => get<Alias[]>('/api/v1/actionalias?limit=-1', signal),
  });
  return (
    <>
      <PageTitle>Aliases</PageTitle>
      <TryCommand />
      {q.isPending ? (
        <Loading what="aliases" />
      ) : q.isError ? (
        <Failure error={q.error} what="aliases" />
      ) : q.data.length === 0 ? (
        <Empty>No aliases are registered.</Empty>
      ) : (
        <ul className="cards" aria-label="Aliases">
          {q.data.map((a) => (
            <li key={a.ref} className="card">
              <div className="card-head">
                <strong>{a.ref}</strong> → <Link to={`/actions/${a.action_ref}`}>{a.action_ref}</Link>
                {a.enabled === false ? <span className="badge">disabled</span> : null}
              </div>
              <p className="small">{a.description}</p>
              <ul className="plain-list mono small">
                {(a.formats ?? []).map((f) => (
                  <li key={formatText(f)}>{formatText(f)}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
