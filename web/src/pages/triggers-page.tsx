import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client.ts';
import { Empty, Failure, Loading, PageTitle, When } from '../components/bits.tsx';
import { JsonTree } from '../components/json-tree.tsx';

interface TriggerInstance {
  id: string;
  trigger: string;
  occurrence_time: string;
  payload: unknown;
  status?: string;
}

/** The latest trigger instances, each with its payload. */
export function TriggersPage() {
  const q = useQuery({
    queryKey: ['triggerinstances'],
    queryFn: ({ signal }) => get<TriggerInstance[]>('/api/v1/triggerinstances?limit=100', signal),
  });
  return (
    <>
      <PageTitle>Trigger instances</PageTitle>
      {q.isPending ? (
        <Loading what="trigger instances" />
      ) : q.isError ? (
        <Failure error={q.error} what="trigger instances" />
      ) : q.data.length === 0 ? (
        <Empty>
          <p>No trigger has fired yet.</p>
          <p className="muted">Timers, sensors, webhooks and finished executions emit trigger instances.</p>
        </Empty>
      ) : (
        <ul className="cards" aria-label="Trigger instances">
          {q.data.map((t) => (
            <li key={t.id} className="card">
              <div className="card-head">
                <strong>{t.trigger}</strong> <When iso={t.occurrence_time} />
                {t.status ? <span className="badge">{t.status}</span> : null}
              </div>
              <details>
                <summary>Payload</summary>
                <JsonTree value={t.payload} label={`Payload of ${t.id}`} />
              </details>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
