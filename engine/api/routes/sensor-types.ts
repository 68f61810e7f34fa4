import type { FastifyInstance } from 'fastify';
import { SquallError } from '../../errors.js';
import type { SensorType } from '../../model/sensor.js';
import { type PagingQuery, pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';
import { principalOf } from '../request-auth.js';
import type { RouteContext } from '../route-context.js';

const refParams = {
  type: 'object',
  required: ['ref_or_id'],
  properties: { ref_or_id: { type: 'string', description: 'Ref (pack.ClassName) or id' } },
} as const;

/**
 * StackStorm's `/api/v1/sensortypes`: the registered sensors. `PUT` enables or disables one; the
 * sensors role starts or stops it within its refresh interval (docs/sensors.md).
 */
export function sensorTypeRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const { store } = deps;
  const bounds = { defaultLimit: 100, maxLimit: 1000 };

  async function find(refOrId: string): Promise<SensorType> {
    const s = await store.sensors.get(refOrId);
    if (!s) throw new SquallError('SQ_NOT_FOUND', `Sensor type "${refOrId}" does not exist.`);
    return s;
  }

  app.get<{ Querystring: PagingQuery & { pack?: string; name?: string; enabled?: boolean } }>(
    '/api/v1/sensortypes',
    {
      config: { permission: 'sensor:read' },
      schema: {
        summary: 'List sensor types',
        tags: ['sensors'],
        querystring: {
          type: 'object',
          properties: {
            pack: { type: 'string' },
            name: { type: 'string' },
            enabled: { type: 'boolean' },
            ...pagingQuerySchema,
          },
        },
      },
    },
    async (req, reply) => {
      const paging = resolvePaging(req.query, bounds);
      const { pack, name, enabled } = req.query;
      if (enabled === undefined) {
        const page = await store.sensors.list({
          ...(pack ? { pack } : {}),
          ...(name ? { name } : {}),
          ...paging,
        });
        setPagingHeaders(reply, page.total, paging);
        return page.items;
      }
      const all = (await store.sensors.list({ ...(pack ? { pack } : {}), ...(name ? { name } : {}), limit: 100_000 }))
        .items;
      const matching = all.filter((s) => s.enabled === enabled);
      setPagingHeaders(reply, matching.length, paging);
      return matching.slice(paging.offset, paging.offset + paging.limit);
    },
  );

  app.get<{ Params: { ref_or_id: string } }>(
    '/api/v1/sensortypes/:ref_or_id',
    {
      config: { permission: 'sensor:read' },
      schema: { summary: 'Get a sensor type', tags: ['sensors'], params: refParams },
    },
    async (req) => find(req.params.ref_or_id),
  );

  app.put<{ Params: { ref_or_id: string }; Body: { enabled: boolean } & Record<string, unknown> }>(
    '/api/v1/sensortypes/:ref_or_id',
    {
      config: { permission: 'sensor:write' },
      schema: {
        summary: 'Enable or disable a sensor',
        tags: ['sensors'],
        params: refParams,
        // st2 clients PUT the whole sensor type back; only `enabled` changes.
        body: { type: 'object', required: ['enabled'], properties: { enabled: { type: 'boolean' } } },
      },
    },
    async (req) => {
      const s = await find(req.params.ref_or_id);
      const updated = await store.sensors.upsert({ ...s, enabled: req.body.enabled });
      deps.logger.info(updated.enabled ? 'sensor enabled' : 'sensor disabled', {
        component: 'api',
        sensor: s.ref,
        by: principalOf(req).user,
      });
      return updated;
    },
  );
}
