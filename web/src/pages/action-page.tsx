import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { call, get } from '../api/client.ts';
import { useSession } from '../api/session.tsx';
import type { Action, ActionParameter, Execution } from '../api/types.ts';
import { Failure, Loading, PageTitle } from '../components/bits.tsx';
import { RunForm } from '../components/run-form.tsx';

function typeText(p: ActionParameter): string {
  if (p.enum) return `one of ${p.enum.map(String).join(', ')}`;
  return Array.isArray(p.type) ? p.type.join(' | ') : (p.type ?? 'any');
}

/** An action: its parameters (the action's merged with its runner's) and, for those who may run it, a run form. */
export function ActionPage() {
  const { ref = '' } = useParams();
  const { can } = useSession();
  const navigate = useNavigate();
  const action = useQuery({
    queryKey: ['action', ref],
    queryFn: ({ signal }) => get<Action>(`/api/v1/actions/${encodeURIComponent(ref)}`, signal),
  });
  const params = useQuery({
    queryKey: ['action-parameters', ref],
    queryFn: ({ signal }) =>
      get<{ parameters: Record<string, ActionParameter> }>(
        `/api/v1/actions/views/parameters/${encodeURIComponent(ref)}`,
        signal,
      ),
  });
  if (action.isPending || params.isPending) return <Loading what={`action ${ref}`} />;
  if (action.isError) return <Failure error={action.error} what={`action ${ref}`} />;
  if (params.isError) return <Failure error={params.error} what={`the parameters of ${ref}`} />;
  const a = action.data;
  const all = params.data.parameters;
  const entries = Object.entries(all).sort(([x], [y]) => x.localeCompare(y));
  return (
    <>
      <PageTitle>{a.ref}</PageTitle>
      <p>{a.description}</p>
      <p className="muted small">
        Runner {a.runner_type} · pack {a.pack}
        {a.enabled === false ? ' · disabled' : ''}
      </p>
      <div className="columns">
        {can('execution:run') ? (
          <section aria-labelledby="run-h" className="card">
            <h2 id="run-h">Run {a.ref}</h2>
            <RunForm
              parameters={all}
              submitLabel="Run"
              onSubmit={async (parameters) => {
                const r = await call<Execution>('/api/v1/executions', {
                  method: 'POST',
                  body: { action: a.ref, parameters },
                });
                navigate(`/executions/${r.data.id}`);
              }}
            />
          </section>
        ) : (
          <p className="notice">Your role may read this action but not run it.</p>
        )}
        <section aria-labelledby="params-h">
          <h2 id="params-h">Parameters</h2>
          <table className="plain">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Default</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {entries.map(([name, p]) => (
                <tr key={name}>
                  <th scope="row">
                    {name}
                    {p.required ? <span className="required"> *</span> : null}
                    {p.secret ? <span className="badge">secret</span> : null}
                    {p.immutable ? <span className="badge">fixed</span> : null}
                  </th>
                  <td>{typeText(p)}</td>
                  <td className="mono">{p.default === undefined ? '' : JSON.stringify(p.default)}</td>
                  <td>{p.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </>
  );
}
