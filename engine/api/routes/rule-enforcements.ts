import type { FastifyInstance } from 'fastify';
import { SquallError } from '../../errors.js';
import { pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';
import { queryTime } from '../query-time.js';
import type { RouteContext } from '../route-context.js';

interface ListQuery {
  rule_ref?: string;
  rule_id?: string;
  execution?: string;
  trigger_instance?: string;
  enforced_at_gt?: string;
  enforced_at_lt?: string;
  limit?: number;
  offset?: number;
}

const BOUNDS = { defaultLimit: 100, maxLimit: 1000 };

/** StackStorm's `/api/v1/ruleenforcements`: what each matched rule did, newest first. */
export function ruleEnforcementRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const { store } = deps;

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/ruleenforcements',
    {
      config: { permission: 'rule:read' },
      schema: {
        summary: 'List rule enforcements',
        tags: ['rules'],
        querystring: {
          type: 'object',
          properties: {
            rule_ref: { type: 'string' },
            rule_id: { type: 'string' },
            execution: { type: 'string', description: 'Execution id' },
            trigger_instance: { type: 'string', description: 'Trigger instance id' },
            enforced_at_gt: { type: 'string', description: 'ISO 8601' },
            enforced_at_lt: { type: 'string', description: 'ISO 8601' },
            ...pagingQuerySchema,
          },
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const paging = resolvePaging(q, BOUNDS);
      const after = queryTime(q.enforced_at_gt, 'enforced_at_gt');
      const before = queryTime(q.enforced_at_lt, 'enforced_at_lt');
      const page = await store.ruleEnforcements.list({
        ...(q.rule_ref ? { ruleRef: q.rule_ref } : {}),
        ...(q.rule_id ? { ruleId: q.rule_id } : {}),
        ...(q.execution ? { execution: q.execution } : {}),
        ...(q.trigger_instance ? { triggerInstance: q.trigger_instance } : {}),
        ...(after ? { enforcedAfter: after } : {}),
        ...(before ? { enforcedBefore: before } : {}),
        ...paging,
      });
      setPagingHeaders(reply, page.total, paging);
      return page.items;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/ruleenforcements/:id',
    {
      config: { permission: 'rule:read' },
      schema: {
        summary: 'Get a rule enforcement',
        tags: ['rules'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      },
    },
    async (req) => {
      const e = await store.ruleEnforcements.get(req.params.id);
      if (!e) throw new SquallError('SQ_NOT_FOUND', `Rule enforcement "${req.params.id}" does not exist.`);
      return e;
    },
  );
}
