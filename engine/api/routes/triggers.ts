import type { FastifyInstance } from 'fastify';
import { SquallError } from '../../errors.js';
import { getTriggerType, listTriggers, listTriggerTypes } from '../../triggers/trigger-catalog.js';
import { pageOfList, pagingQuerySchema } from '../paging.js';
import type { RouteContext } from '../route-context.js';

const refParams = {
  type: 'object',
  required: ['ref_or_id'],
  properties: { ref_or_id: { type: 'string', description: 'Ref (pack.name) or id' } },
} as const;

interface ListQuery {
  pack?: string;
  name?: string;
  type?: string;
  limit?: number;
  offset?: number;
}

/** StackStorm's `/api/v1/triggertypes` (built-in and pack-declared) and `/api/v1/triggers`. */
export function triggerRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const { store } = deps;

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/triggertypes',
    {
      config: { permission: 'trigger:read' },
      schema: {
        summary: 'List trigger types',
        tags: ['triggers'],
        querystring: {
          type: 'object',
          properties: { pack: { type: 'string' }, name: { type: 'string' }, ...pagingQuerySchema },
        },
      },
    },
    async (req, reply) => {
      const { pack, name } = req.query;
      const types = (await listTriggerTypes(store)).filter(
        (t) => (pack === undefined || t.pack === pack) && (name === undefined || t.name === name),
      );
      return pageOfList(reply, types, req.query);
    },
  );

  app.get<{ Params: { ref_or_id: string } }>(
    '/api/v1/triggertypes/:ref_or_id',
    {
      config: { permission: 'trigger:read' },
      schema: { summary: 'Get a trigger type', tags: ['triggers'], params: refParams },
    },
    async (req) => {
      const t = await getTriggerType(store, req.params.ref_or_id);
      if (!t) throw new SquallError('SQ_NOT_FOUND', `Trigger type "${req.params.ref_or_id}" does not exist.`);
      return t;
    },
  );

  async function triggers() {
    return listTriggers(await listTriggerTypes(store), (await store.rules.list()).items);
  }

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/triggers',
    {
      config: { permission: 'trigger:read' },
      schema: {
        summary: 'List triggers (one per trigger type and parameters in use)',
        tags: ['triggers'],
        querystring: {
          type: 'object',
          properties: {
            pack: { type: 'string' },
            name: { type: 'string' },
            type: { type: 'string', description: 'Trigger type ref' },
            ...pagingQuerySchema,
          },
        },
      },
    },
    async (req, reply) => {
      const { pack, name, type } = req.query;
      const list = (await triggers()).filter(
        (t) =>
          (pack === undefined || t.pack === pack) &&
          (name === undefined || t.name === name) &&
          (type === undefined || t.type === type),
      );
      return pageOfList(reply, list, req.query);
    },
  );

  app.get<{ Params: { ref_or_id: string } }>(
    '/api/v1/triggers/:ref_or_id',
    {
      config: { permission: 'trigger:read' },
      schema: { summary: 'Get a trigger', tags: ['triggers'], params: refParams },
    },
    async (req) => {
      const key = req.params.ref_or_id;
      const t = (await triggers()).find((x) => x.ref === key || x.id === key);
      if (!t) throw new SquallError('SQ_NOT_FOUND', `Trigger "${key}" does not exist.`);
      return t;
    },
  );
}
