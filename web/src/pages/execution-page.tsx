import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { call, get } from '../api/client.ts';
import { useSession } from '../api/session.tsx';
import { rereadAfterOpen, useStream } from '../api/stream.ts';
import type { Action, Execution, OutputChunk } from '../api/types.ts';
import { Failure, Loading, PageTitle, Status, took, When } from '../components/bits.tsx';
import { JsonTree } from '../components/json-tree.tsx';
import { OutputView } from '../components/output-view.tsx';
import { RunForm } from '../components/run-form.tsx';
import { WorkflowView } from '../components/workflow-view.tsx';
import { isFinished } from '../lib/history-filters.ts';
import { newerExecution } from '../lib/newer-execution.ts';

function mergeChunks(old: OutputChunk[], more: OutputChunk[]): OutputChunk[] {
  const byId = new Map(old.map((c) => [c.id, c]));
  for (const c of more) byId.set(c.id, c);
  return [...byId.values()].sort((a, b) => Number(a.id) - Number(b.id));
}

/** Output so far from the API, then live from the stream; chunks carry their sequence number, so joining the two repeats nothing. */
function useOutput(id: string): OutputChunk[] {
  const [chunks, setChunks] = useState<OutputChunk[]>([]);
  const load = useCallback(() => {
    get<OutputChunk[]>(`/api/v1/executions/${id}/output?format=json`)
      .then((stored) => setChunks((old) => mergeChunks(old, stored)))
      .catch(() => {});
  }, [id]);
  useStream(
    ['st2.execution_output__create'],
    (_e, data) => setChunks((old) => mergeChunks(old, [data as OutputChunk])),
    { executionIds: [id], onOpen: load },
  );
  return chunks;
}

function LiveOutput({ id, live }: { id: string; live: boolean }) {
  return <OutputView chunks={useOutput(id)} live={live} />;
}

function Context({ e }: { e: Execution }) {
  const c = e.context ?? {};
  const chat = c.chat as { platform?: string; channel?: string } | undefined;
  const trace = c.trace_context as { trace_tag?: string } | undefined;
  const parent = (c.parent as { execution_id?: string } | undefined)?.execution_id ?? e.parent;
  return (
    <dl className="facts">
      <dt>User</dt>
      <dd>{c.user ?? '—'}</dd>
      {chat ? (
        <>
          <dt>Chat</dt>
          <dd>
            {chat.platform} channel {chat.channel}
          </dd>
        </>
      ) : null}
      {c.source_channel ? (
        <>
          <dt>Source channel</dt>
          <dd>{String(c.source_channel)}</dd>
        </>
      ) : null}
      {trace?.trace_tag ? (
        <>
          <dt>Trace</dt>
          <dd>{trace.trace_tag}</dd>
        </>
      ) : null}
      {parent ? (
        <>
          <dt>Parent</dt>
          <dd>
            <Link to={`/executions/${parent}`}>{parent}</Link>
          </dd>
        </>
      ) : null}
    </dl>
  );
}

/** One execution: its facts, parameters, context, live output, result; cancel and re-run for those allowed. */
export function ExecutionPage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const key = ['execution', id];
  const q = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => get<Execution>(`/api/v1/executions/${id}`, signal),
    // An answer read before a stream update may land after it, and must not undo it.
    structuralSharing: (old, next) => newerExecution(old as Execution | undefined, next as Execution),
  });
  useStream(
    ['st2.execution__update'],
    (_e, data) => {
      const e = data as Execution;
      if (e.id === id) queries.setQueryData<Execution>(key, (old) => newerExecution(old, old ? { ...old, ...e } : e));
    },
    { executionIds: [id], onOpen: () => rereadAfterOpen(queries, key) },
  );
  const [rerunning, setRerunning] = useState(false);
  const action = useQuery({
    queryKey: ['action', q.data?.action.ref],
    queryFn: ({ signal }) => get<Action>(`/api/v1/actions/${q.data?.action.ref}`, signal),
    enabled: rerunning && q.data !== undefined,
  });
  const cancel = useMutation({
    mutationFn: () => call<Execution>(`/api/v1/executions/${id}`, { method: 'DELETE' }),
    // The stream may already have said `canceled` before this answer (`canceling`) arrives: keep the later news.
    onSuccess: (r) => queries.setQueryData<Execution>(key, (old) => newerExecution(old, r.data)),
  });

  if (q.isPending) return <Loading what="the execution" />;
  if (q.isError) return <Failure error={q.error} what={`execution ${id}`} />;
  const e = q.data;
  const finished = isFinished(e.status);
  const isWorkflow =
    (e.children?.length ?? 0) > 0 || e.runner?.name === 'orquesta' || e.action.runner_type === 'orquesta';

  return (
    <>
      <PageTitle
        actions={
          <>
            {!finished && can('execution:cancel') ? (
              <button type="button" className="danger" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
                Cancel
              </button>
            ) : null}
            {can('execution:rerun') ? (
              <button type="button" onClick={() => setRerunning(!rerunning)} aria-expanded={rerunning}>
                Re-run
              </button>
            ) : null}
          </>
        }
      >
        {e.action.ref}
      </PageTitle>
      {cancel.isError ? (
        <p className="error" role="alert">
          {cancel.error.message}
        </p>
      ) : null}
      <dl className="facts summary">
        <dt>Status</dt>
        <dd>
          <Status status={e.status} />
        </dd>
        <dt>Id</dt>
        <dd className="mono">{e.id}</dd>
        <dt>Started</dt>
        <dd>
          <When iso={e.start_timestamp} />
        </dd>
        <dt>Took</dt>
        <dd>{took(e.start_timestamp, e.end_timestamp, e.elapsed_seconds) || '—'}</dd>
      </dl>
      {rerunning ? (
        <section aria-labelledby="rerun-h" className="card">
          <h2 id="rerun-h">Re-run with parameters</h2>
          {action.isPending ? (
            <Loading what="the action" />
          ) : action.isError ? (
            <Failure error={action.error} what="the action" />
          ) : (
            <RunForm
              parameters={action.data.parameters}
              given={e.parameters ?? {}}
              submitLabel="Re-run"
              onSubmit={async (parameters) => {
                const r = await call<Execution>(`/api/v1/executions/${id}/re_run`, {
                  method: 'POST',
                  body: { parameters },
                });
                setRerunning(false);
                navigate(`/executions/${r.data.id}`);
              }}
            />
          )}
        </section>
      ) : null}
      {isWorkflow ? <WorkflowView workflow={e} /> : null}
      <LiveOutput key={id} id={id} live={!finished} />
      <div className="columns">
        <section aria-labelledby="params-h">
          <h2 id="params-h">Parameters</h2>
          {e.parameters && Object.keys(e.parameters).length > 0 ? (
            <JsonTree value={e.parameters} label="Parameters" />
          ) : (
            <p className="muted">None given.</p>
          )}
        </section>
        <section aria-labelledby="context-h">
          <h2 id="context-h">Context</h2>
          <Context e={e} />
          <details>
            <summary>All context</summary>
            <JsonTree value={e.context ?? {}} label="Context" />
          </details>
        </section>
      </div>
      <section aria-labelledby="result-h">
        <h2 id="result-h">Result</h2>
        {e.result === undefined || e.result === null ? (
          <p className="muted">{finished ? 'No result.' : 'Not finished yet.'}</p>
        ) : (
          <JsonTree value={e.result} label="Result" />
        )}
      </section>
    </>
  );
}
