import type { FastifyInstance } from 'fastify';
import { SquallError } from '../../errors.js';
import type { Policy } from '../../model/policy.js';
import { POLICY_TYPES } from '../../model/policy.js';
import { buildPolicy } from '../../policies/build-policy.js';
import { POLICY_TYPE_TABLE, policyTypeSpec, presentPolicyType } from '../../policies/policy-types.js';
import { pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';
import { principalOf } from '../request-auth.js';
import type { RouteContext } from '../route-context.js';

const refParams = {
  type: 'object',
  required: ['ref_or_id'],
  properties: { ref_or_id: { type: 'string', description: 'Ref (pack.name) or id' } },
} as const;

const BOUNDS = { defaultLimit: 1000, maxLimit: 10_000 };

interface ListQuery {
  pack?: string;
  resource_ref?: string;
  policy_type?: string;
  enabled?: boolean;
  limit?: number;
  offset?: number;
}

/**
 * StackStorm's `/api/v1/policies` (from packs' `policies/*.yaml`; `PUT` changes one, e.g. to
 * disable it, and the schedulers apply the change within seconds) and `/api/v1/policytypes`
 * (the types Squall enforces). docs/policies.md.
 */
export function policyRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const { store } = deps;

  async function find(refOrId: string): Promise<Policy> {
    const p = await store.policies.get(refOrId);
    if (!p) throw new SquallError('SQ_NOT_FOUND', `Policy "${refOrId}" does not exist.`);
    return p;
  }

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/policies',
    {
      config: { permission: 'policy:read' },
      schema: {
        summary: 'List policies',
        tags: ['policies'],
        querystring: {
          type: 'object',
          properties: {
            pack: { type: 'string' },
            resource_ref: { type: 'string', description: 'The action the policy applies to' },
            policy_type: { type: 'string', enum: [...POLICY_TYPES] },
            enabled: { type: 'boolean' },
            ...pagingQuerySchema,
          },
        },
      },
    },
    async (req, reply) => {
      const paging = resolvePaging(req.query, BOUNDS);
      const { pack, resource_ref, policy_type, enabled } = req.query;
      const all = (await store.policies.list({ ...(pack ? { pack } : {}), limit: 100_000 })).items;
      const matching = all.filter(
        (p) =>
          (resource_ref === undefined || p.resource_ref === resource_ref) &&
          (policy_type === undefined || p.policy_type === policy_type) &&
          (enabled === undefined || p.enabled === enabled),
      );
      setPagingHeaders(reply, matching.length, paging);
      return matching.slice(paging.offset, paging.offset + paging.limit);
    },
  );

  app.get<{ Params: { ref_or_id: string } }>(
    '/api/v1/policies/:ref_or_id',
    {
      config: { permission: 'policy:read' },
      schema: { summary: 'Get a policy', tags: ['policies'], params: refParams },
    },
    async (req) => find(req.params.ref_or_id),
  );

  app.put<{ Params: { ref_or_id: string }; Body: Record<string, unknown> }>(
    '/api/v1/policies/:ref_or_id',
    {
      config: { permission: 'policy:write' },
      schema: {
        summary: 'Change a policy (enable, disable, parameters)',
        tags: ['policies'],
        params: refParams,
        body: { type: 'object' },
      },
    },
    async (req) => {
      const existing = await find(req.params.ref_or_id);
      // st2 clients PUT the whole policy back: what is absent keeps its value, server fields are ignored.
      const b = req.body;
      const pick = <K extends keyof Policy>(k: K): unknown => (b[k] !== undefined ? b[k] : existing[k]);
      const policyType = pick('policy_type');
      if (typeof policyType !== 'string' || !policyTypeSpec(policyType)) {
        throw new SquallError(
          'SQ_POLICY_INVALID',
          `Invalid policy: policy_type: must be one of ${POLICY_TYPES.join(', ')}`,
        );
      }
      const { policy, problems } = buildPolicy(
        {
          name: existing.name,
          description: typeof pick('description') === 'string' ? (pick('description') as string) : '',
          enabled: pick('enabled') !== false,
          resource_ref: String(pick('resource_ref')),
          policy_type: policyType as Policy['policy_type'],
          parameters: pick('parameters') as Record<string, unknown>,
        },
        {
          pack: existing.pack,
          id: existing.id,
          ...(existing.metadata_file ? { metadataFile: existing.metadata_file } : {}),
        },
      );
      if (!policy) {
        throw new SquallError(
          'SQ_POLICY_INVALID',
          `Invalid policy: ${problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`,
        );
      }
      const saved = await store.policies.upsert(policy);
      deps.logger.info('policy changed', {
        component: 'api',
        policy: saved.ref,
        enabled: saved.enabled,
        by: principalOf(req).user,
      });
      return saved;
    },
  );

  app.get(
    '/api/v1/policytypes',
    {
      config: { permission: 'policy:read' },
      schema: { summary: 'List the policy types Squall enforces', tags: ['policies'] },
    },
    async () => POLICY_TYPE_TABLE.map(presentPolicyType),
  );

  app.get<{ Params: { ref_or_id: string } }>(
    '/api/v1/policytypes/:ref_or_id',
    {
      config: { permission: 'policy:read' },
      schema: { summary: 'Get a policy type', tags: ['policies'], params: refParams },
    },
    async (req) => {
      const t = policyTypeSpec(req.params.ref_or_id);
      if (!t) {
        throw new SquallError(
          'SQ_NOT_FOUND',
          `Policy type "${req.params.ref_or_id}" does not exist (Squall has ${POLICY_TYPES.join(', ')}).`,
        );
      }
      return presentPolicyType(t);
    },
  );
}
