import type { FastifyInstance } from 'fastify';
import { issueTexts } from '../../../lib/zod-issues.js';
import { SquallError } from '../../errors.js';
import type { Policy } from '../../model/policy.js';
import { POLICY_TYPES } from '../../model/policy.js';
import { PolicyFileSchema } from '../../packs/kinds/policy-schema.js';
import { buildPolicy } from '../../policies/build-policy.js';
import { POLICY_TYPE_TABLE, policyTypeSpec, presentPolicyType } from '../../policies/policy-types.js';
import { type PagingQuery, pageOfList, pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';
import { principalOf } from '../request-auth.js';
import type { RouteContext } from '../route-context.js';

const refParams = {
  type: 'object',
  required: ['ref_or_id'],
  properties: { ref_or_id: { type: 'string', description: 'Ref (pack.name) or id' } },
} as const;

const BOUNDS = { defaultLimit: 1000, maxLimit: 10_000 };

/**
 * A policy from an API body, checked as a pack's file is. For a change, what the body leaves out
 * keeps its value (st2 clients PUT the whole policy back) and the pack and name stay.
 */
function policyFromBody(body: Record<string, unknown>, existing?: Policy): Policy {
  const fields: Record<string, unknown> = existing
    ? {
        name: existing.name,
        pack: existing.pack,
        description: body.description ?? existing.description,
        enabled: body.enabled ?? existing.enabled,
        resource_ref: body.resource_ref ?? existing.resource_ref,
        policy_type: body.policy_type ?? existing.policy_type,
        parameters: body.parameters ?? existing.parameters,
      }
    : body;
  const invalid = (problems: { field?: string | undefined; problem: string }[]) =>
    new SquallError(
      'SQ_POLICY_INVALID',
      `Invalid policy: ${problems.map((p) => (p.field ? `${p.field}: ${p.problem}` : p.problem)).join('; ')}`,
    );
  const parsed = PolicyFileSchema.safeParse(fields);
  if (!parsed.success) throw invalid(issueTexts(parsed.error.issues));
  if (!parsed.data.pack) throw invalid([{ field: 'pack', problem: 'is required' }]);
  const { policy, problems } = buildPolicy(parsed.data, {
    pack: parsed.data.pack,
    ...(existing ? { id: existing.id } : {}),
    ...(existing?.metadata_file ? { metadataFile: existing.metadata_file } : {}),
  });
  if (!policy) throw invalid(problems);
  return policy;
}

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

  app.post<{ Body: Record<string, unknown> }>(
    '/api/v1/policies',
    {
      config: { permission: 'policy:write' },
      schema: { summary: 'Create a policy', tags: ['policies'], body: { type: 'object' } },
    },
    async (req, reply) => {
      const policy = policyFromBody(req.body);
      if (await store.policies.get(policy.ref)) {
        throw new SquallError('SQ_CONFLICT', `Policy "${policy.ref}" already exists.`);
      }
      const saved = await store.policies.upsert(policy);
      deps.logger.info('policy created', { component: 'api', policy: saved.ref, by: principalOf(req).user });
      return reply.status(201).send(saved);
    },
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
      const saved = await store.policies.upsert(policyFromBody(req.body, existing));
      deps.logger.info('policy changed', {
        component: 'api',
        policy: saved.ref,
        enabled: saved.enabled,
        by: principalOf(req).user,
      });
      return saved;
    },
  );

  app.delete<{ Params: { ref_or_id: string } }>(
    '/api/v1/policies/:ref_or_id',
    {
      config: { permission: 'policy:write' },
      schema: { summary: 'Delete a policy', tags: ['policies'], params: refParams },
    },
    async (req, reply) => {
      const p = await find(req.params.ref_or_id);
      await store.policies.delete(p.id);
      deps.logger.info('policy deleted', { component: 'api', policy: p.ref, by: principalOf(req).user });
      return reply.status(204).send();
    },
  );

  app.get<{ Querystring: PagingQuery }>(
    '/api/v1/policytypes',
    {
      config: { permission: 'policy:read' },
      schema: {
        summary: 'List the policy types Squall enforces',
        tags: ['policies'],
        querystring: { type: 'object', properties: pagingQuerySchema },
      },
    },
    async (req, reply) => pageOfList(reply, POLICY_TYPE_TABLE, req.query).map(presentPolicyType),
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
