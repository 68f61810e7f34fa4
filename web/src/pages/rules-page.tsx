import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { call, get } from '../api/client.ts';
import { useSession } from '../api/session.tsx';
import { Empty, Failure, Loading, PageTitle, When } from '../components/bits.tsx';
import { JsonTree } from '../components/json-tree.tsx';

interface Rule {
  id: string;
  ref: string;
  pack: string;
  name: string;
  description?: string;
  enabled: boolean;
  trigger: { type: string; parameters?: Record<string, unknown> };
  criteria?: Record<string, unknown>;
  action: { ref: string; parameters?: Record<string, unknown> };
}

interface Enforcement {
  id: string;
  enforced_at: string;
  execution_id?: string;
  failure_reason?: string;
  status?: string;
}

function Enforcements({ rule }: { rule: Rule }) {
  const q = useQuery({
    queryKey: ['enforcements', rule.ref],
    queryFn: ({ signal }) =>
      get<Enforcement[]>(`/api/v1/ruleenforcements?rule_ref=${encodeURIComponent(rule.ref)}&limit=5`, signal),
  });
  if (q.isPending) return <Loading what="enforcements" />;
  if (q.isError) return <Failure error={q.error} what="enforcements" />;
  if (q.data.length === 0) return <p className="muted">Not enforced yet.</p>;
  return (
    <ul className="plain-list">
      {q.data.map((e) => (
        <li key={e.id}>
          <When iso={e.enforced_at} />{' '}
          {e.execution_id ? (
            <Link to={`/executions/${e.execution_id}`}>execution {e.execution_id.slice(-8)}</Link>
          ) : null}
          {e.failure_reason ? <span className="error"> {e.failure_reason}</span> : null}
        </li>
      ))}
    </ul>
  );
}

function RuleCard({ rule, canWrite }: { rule: Rule; canWrite: boolean }) {
  const [open, setOpen] = useState(false);
  const queries = useQueryClient();
  const toggle = useMutation({
    mutationFn: (enabled: boolean) =>
      call<Rule>(`/api/v1/rules/${encodeURIComponent(rule.ref)}`, { method: 'PUT', body: { ...rule, enabled } }),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['rules'] }),
  });
  return (
    <li className="card">
      <div className="card-head">
        <button type="button" className="link title" aria-expanded={open} onClick={() => setOpen(!open)}>
          {rule.ref}
        </button>
        {canWrite ? (
          <label className="check">
            <input
              type="checkbox"
              checked={toggle.isPending ? !rule.enabled : rule.enabled}
              disabled={toggle.isPending}
              onChange={(e) => toggle.mutate(e.target.checked)}
            />
            Enabled
          </label>
        ) : (
          <span className="badge">{rule.enabled ? 'enabled' : 'disabled'}</span>
        )}
      </div>
      <p className="small">
        When <strong>{rule.trigger.type}</strong> fires, run{' '}
        <Link to={`/actions/${rule.action.ref}`}>{rule.action.ref}</Link>
      </p>
      {toggle.isError ? (
        <p className="error" role="alert">
          {toggle.error.message}
        </p>
      ) : null}
      {open ? (
        <div className="columns">
          <div>
            <h3>Criteria</h3>
            {rule.criteria && Object.keys(rule.criteria).length > 0 ? (
              <JsonTree value={rule.criteria} label={`Criteria of ${rule.ref}`} />
            ) : (
              <p className="muted">None: every trigger instance matches.</p>
            )}
            <h3>Action parameters</h3>
            <JsonTree value={rule.action.parameters ?? {}} label={`Action parameters of ${rule.ref}`} />
          </div>
          <div>
            <h3>Last enforcements</h3>
            <Enforcements rule={rule} />
          </div>
        </div>
      ) : null}
    </li>
  );
}

export function RulesPage() {
  const { can } = useSession();
  const q = useQuery({ queryKey: ['rules'], queryFn: ({ signal }) => get<Rule[]>('/api/v1/rules?limit=-1', signal) });
  return (
    <>
      <PageTitle>Rules</PageTitle>
      {q.isPending ? (
        <Loading what="rules" />
      ) : q.isError ? (
        <Failure error={q.error} what="rules" />
      ) : q.data.length === 0 ? (
        <Empty>
          <p>No rules.</p>
          <p className="muted">Add a rule file to a pack's rules/ folder and register the pack.</p>
        </Empty>
      ) : (
        <ul className="cards" aria-label="Rules">
          {q.data.map((r) => (
            <RuleCard key={r.id} rule={r} canWrite={can('rule:write')} />
          ))}
        </ul>
      )}
    </>
  );
}
