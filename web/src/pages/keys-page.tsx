import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../api/client.ts';
import { useSession } from '../api/session.tsx';
import { Empty, Failure, Loading, PageTitle } from '../components/bits.tsx';

interface KeyValue {
  name: string;
  value: string;
  secret?: boolean;
  scope: string;
  user?: string;
  expire_timestamp?: string;
}

function Value({ item, mayReveal }: { item: KeyValue; mayReveal: boolean }) {
  const [shown, setShown] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  if (!item.secret) return <span className="mono">{item.value}</span>;
  const reveal = async () => {
    const scope = item.scope === 'st2kv.user' ? '&scope=user' : '';
    try {
      const r = await get<KeyValue>(`/api/v1/keys/${encodeURIComponent(item.name)}?decrypt=true${scope}`);
      setShown(r.value);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <>
      <span className="mono">{shown ?? '********'}</span>{' '}
      {mayReveal && shown === undefined ? (
        <button type="button" className="small" onClick={() => void reveal()} aria-label={`Reveal ${item.name}`}>
          Reveal
        </button>
      ) : null}
      {error ? <span className="error small"> {error}</span> : null}
    </>
  );
}

function KeyTable({ scope, label }: { scope: 'system' | 'user'; label: string }) {
  const { can, state } = useSession();
  const me = state.status === 'signed-in' ? state.session.user : '';
  const q = useQuery({
    queryKey: ['keys', scope],
    queryFn: ({ signal }) => get<KeyValue[]>(`/api/v1/keys?scope=${scope}&limit=-1`, signal),
  });
  if (q.isPending) return <Loading what={label} />;
  if (q.isError) return <Failure error={q.error} what={label} />;
  if (q.data.length === 0) return <Empty>No {label}.</Empty>;
  return (
    <table className="plain" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {q.data.map((k) => (
          <tr key={`${k.scope}:${k.user ?? ''}:${k.name}`}>
            <th scope="row" className="mono">
              {k.name}
            </th>
            <td>
              <Value item={k} mayReveal={can('kv:any') || (k.scope === 'st2kv.user' && (k.user ?? me) === me)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The datastore: system items and the user's own; secrets masked, `Reveal` only where the server allows it. */
export function KeysPage() {
  return (
    <>
      <PageTitle>Keys</PageTitle>
      <section aria-labelledby="sys-h">
        <h2 id="sys-h">System (st2kv.system)</h2>
        <KeyTable scope="system" label="system keys" />
      </section>
      <section aria-labelledby="user-h">
        <h2 id="user-h">Yours (st2kv.user)</h2>
        <KeyTable scope="user" label="your keys" />
      </section>
    </>
  );
}
