import type { FastifyInstance } from 'fastify';
import { SquallError } from '../../errors.js';
import type { TriggerInstanceStatus } from '../../model/trigger.js';
import { createTriggerDispatcher } from '../../triggers/trigger-dispatcher.js';
import { pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';
import { queryTime } from '../query-time.js';
import type { RouteContext } from '../route-context.js';

interface ListQuery {
  trigger?: string;
  status?: TriggerInstanceStatus;
  timestamp_gt?: string;
  timestamp_lt?: string;
  limit?: number;
  offset?: number;
}

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'Trigger instance id' } },
} as const;

const BOUNDS = { defaultLimit: 100, maxLimit: 1000 };

/** StackStorm's `/api/v1/triggerinstances`: every event stored, newest first, and `re_emit`. */
export function triggerInstanceRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const { store } = deps;
  const triggers = createTriggerDispatcher(deps);

  async function find(id: string) {
    const t = await store.triggerInstances.get(id);
    if (!t) throw new SquallError('SQ_NOT_FOUND', `Trigger instance "${id}" does not exist.`);
    return t;
  }

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/triggerinstances',
    {
      config: { permission: 'trigger:read' },
      schema: {
        summary: 'List trigger instances',
        tags: ['triggers'],
        querystring: {
          type: 'object',
          properties: {
            trigger: { type: 'string', description: 'Trigger ref' },
            status: { type: 'string', enum: ['pending', 'processing', 'processed', 'processing_failed'] },
            timestamp_gt: { type: 'string', description: 'occurrence_time after (ISO 8601)' },
            timestamp_lt: { type: 'string', description: 'occurrence_time before (ISO 8601)' },
            ...pagingQuerySchema,
          },
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const paging = resolvePaging(q, BOUNDS);
      const after = queryTime(q.timestamp_gt, 'timestamp_gt');
      const before = queryTime(q.timestamp_lt, 'timestamp_lt');
      const page = await store.triggerInstances.list({
        ...(q.trigger ? { trigger: q.trigger } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(after ? { occurredAfter: after } : {}),
        ...(before ? { occurredBefore: before } : {}),
        ...paging,
      });
      setPagingHeaders(reply, page.total, paging);
      return page.items;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/triggerinstances/:id',
    {
      config: { permission: 'trigger:read' },
      schema: { summary: 'Get a trigger instance', tags: ['triggers'], params: idParams },
    },
    async (req) => find(req.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/triggerinstances/:id/re_emit',
    {
      config: { permission: 'trigger:write' },
      schema: { summary: 'Dispatch a stored trigger instance again', tags: ['triggers'], params: idParams },
    },
    async (req) => {
      const original = await find(req.params.id);
      // As StackStorm: the copy says where it came from, and the rules see it as a new event.
      const payload = { ...original.payload, __context: { original_id: original.id } };
      const copy = await triggers.dispatch({ trigger: original.trigger, parameters: original.parameters, payload });
      return {
        message: `Trigger instance ${original.id} succesfully re-sent.`,
        payload,
        trigger_instance: copy,
      };
    },
  );
}
