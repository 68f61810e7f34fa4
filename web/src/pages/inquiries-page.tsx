import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ApiError, call, get } from '../api/client.ts';
import { useSession } from '../api/session.tsx';
import type { ActionParameter } from '../api/types.ts';
import { Empty, Failure, Loading, PageTitle } from '../components/bits.tsx';
import { RunForm } from '../components/run-form.tsx';

interface JsonSchema {
  type?: string;
  properties?: Record<string, ActionParameter & { enum?: unknown[] }>;
  required?: string[];
}

/** StackStorm's InquiryAPI shape (`GET /api/v1/inquiries`): the fields the page uses. */
interface Inquiry {
  id: string;
  route?: string;
  ttl?: number;
  users?: string[];
  roles?: string[];
  schema?: JsonSchema;
  parent?: string;
}

/** An inquiry's response schema as the run form's parameters, so one form builder serves both. */
export function schemaParameters(schema: JsonSchema | undefined): Record<string, ActionParameter> {
  const out: Record<string, ActionParameter> = {};
  for (const [name, p] of Object.entries(schema?.properties ?? {})) {
    out[name] = { ...p, required: schema?.required?.includes(name) === true || p.required === true };
  }
  return out;
}

export function InquiriesPage() {
  const { can, state } = useSession();
  const me = state.status === 'signed-in' ? state.session.user : '';
  const queries = useQueryClient();
  const q = useQuery({ queryKey: ['inquiries'], queryFn: ({ signal }) => get<Inquiry[]>('/api/v1/inquiries', signal) });
  return (
    <>
      <PageTitle>Inquiries</PageTitle>
      {q.isPending ? (
        <Loading what="inquiries" />
      ) : q.isError ? (
        q.error instanceof ApiError && q.error.status === 404 ? (
          <Empty>
            <p>This Squall server does not serve inquiries (no /api/v1/inquiries).</p>
            <p className="muted">Upgrade Squall to answer a workflow's questions here.</p>
          </Empty>
        ) : (
          <Failure error={q.error} what="inquiries" />
        )
      ) : q.data.length === 0 ? (
        <Empty>
          <p>No inquiry is waiting for an answer.</p>
          <p className="muted">A workflow that runs core.ask asks its question here.</p>
        </Empty>
      ) : (
        <ul className="cards" aria-label="Inquiries">
          {q.data.map((i) => (
            <li key={i.id} className="card">
              <div className="card-head">
                <strong>Inquiry {i.id.slice(-8)}</strong>
                {i.parent ? <Link to={`/executions/${i.parent}`}>workflow</Link> : null}
              </div>
              {i.users?.length || i.roles?.length ? (
                <p className="muted small">
                  For {[...(i.users ?? []), ...(i.roles ?? []).map((r) => `role ${r}`)].join(', ')}
                </p>
              ) : null}
              {can('inquiry:respond') || i.users?.includes(me) === true ? (
                <RunForm
                  parameters={schemaParameters(i.schema)}
                  submitLabel="Respond"
                  keepDefaults
                  onSubmit={async (response) => {
                    await call(`/api/v1/inquiries/${i.id}`, { method: 'PUT', body: { id: i.id, response } });
                    await queries.invalidateQueries({ queryKey: ['inquiries'] });
                  }}
                />
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
