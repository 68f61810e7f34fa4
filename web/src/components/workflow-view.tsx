import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { get } from '../api/client.ts';
import { rereadAfterOpen, useStream } from '../api/stream.ts';
import type { Execution } from '../api/types.ts';
import { newerExecution, newerExecutions } from '../lib/newer-execution.ts';
import { graphColumns, taskName } from '../lib/workflow-graph.ts';
import { Failure, Status } from './bits.tsx';

const NODE_W = 150;
const NODE_H = 40;
const GAP_X = 50;
const GAP_Y = 16;

function Graph({ workflow, tasks }: { workflow: Execution; tasks: Execution[] }) {
  const columns = graphColumns(workflow.id, tasks);
  if (columns.length === 0) return <p className="muted">No tasks have started yet.</p>;
  const rows = Math.max(...columns.map((c) => c.length));
  const width = columns.length * (NODE_W + GAP_X) - GAP_X + 2;
  const height = rows * (NODE_H + GAP_Y) - GAP_Y + 2;
  const pos = (col: number, row: number) => ({ x: 1 + col * (NODE_W + GAP_X), y: 1 + row * (NODE_H + GAP_Y) });
  return (
    <div className="graph-scroll">
      <svg
        className="graph"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`Task graph: ${columns
          .flat()
          .map((t) => `${t.name} ${t.status}`)
          .join(', ')}`}
      >
        {columns.slice(1).flatMap((col, ci) =>
          col.flatMap((t, ri) =>
            columns[ci]!.map((from, fi) => {
              const a = pos(ci, fi);
              const b = pos(ci + 1, ri);
              return (
                <line
                  key={`${from.id}-${t.id}`}
                  className="edge"
                  x1={a.x + NODE_W}
                  y1={a.y + NODE_H / 2}
                  x2={b.x}
                  y2={b.y + NODE_H / 2}
                />
              );
            }),
          ),
        )}
        {columns.flatMap((col, ci) =>
          col.map((t, ri) => {
            const p = pos(ci, ri);
            return (
              <a key={t.id} href={`/executions/${t.id}`} className={`node status-${t.status}`}>
                <rect x={p.x} y={p.y} width={NODE_W} height={NODE_H} rx={6} />
                <text x={p.x + 8} y={p.y + 16}>
                  {t.name.length > 20 ? `${t.name.slice(0, 19)}…` : t.name}
                </text>
                <text x={p.x + 8} y={p.y + 32} className="node-status">
                  {t.status}
                </text>
              </a>
            );
          }),
        )}
      </svg>
    </div>
  );
}

function Tree({ parent, tasks }: { parent: string; tasks: Execution[] }) {
  const mine = tasks.filter((c) => c.parent === parent);
  if (mine.length === 0) return null;
  return (
    <ul className="tree">
      {mine.map((c) => (
        <li key={c.id}>
          <Link to={`/executions/${c.id}`}>{taskName(c)}</Link> <Status status={c.status} />{' '}
          <span className="muted small">{c.action.ref}</span>
          <Tree parent={c.id} tasks={tasks} />
        </li>
      ))}
    </ul>
  );
}

/** A workflow's tasks (every level) as a tree and its direct tasks as a graph, both kept live from the stream. */
export function WorkflowView({ workflow }: { workflow: Execution }) {
  const queries = useQueryClient();
  const key = ['children', workflow.id];
  const q = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => get<Execution[]>(`/api/v1/executions/${workflow.id}/children?depth=-1`, signal),
    // An answer read before a stream update must not undo it.
    structuralSharing: (old, next) => newerExecutions(old as Execution[] | undefined, next as Execution[]),
  });
  useStream(
    ['st2.execution__create', 'st2.execution__update'],
    (_e, data) => {
      const e = data as Execution;
      const ids = new Set([workflow.id, ...(q.data ?? []).map((c) => c.id)]);
      if (!e.parent || !ids.has(e.parent)) return;
      queries.setQueryData<Execution[]>(key, (old = []) =>
        old.some((c) => c.id === e.id)
          ? old.map((c) => (c.id === e.id ? newerExecution(c, { ...c, ...e }) : c))
          : [...old, e],
      );
    },
    { onOpen: () => rereadAfterOpen(queries, key) },
  );
  return (
    <section aria-labelledby="tasks-h" className="card">
      <h2 id="tasks-h">Tasks</h2>
      {q.isError ? (
        <Failure error={q.error} what="the workflow's tasks" />
      ) : (
        <>
          <Graph workflow={workflow} tasks={q.data ?? []} />
          <Tree parent={workflow.id} tasks={q.data ?? []} />
        </>
      )}
    </section>
  );
}
