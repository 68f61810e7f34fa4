import type { FastifyInstance } from 'fastify';
import { SquallError } from '../../errors.js';
import type { Runner } from '../../runners/runner.js';
import { type PagingQuery, pageOfList, pagingQuerySchema } from '../paging.js';
import type { RouteContext } from '../route-context.js';

function present(r: Runner): Record<string, unknown> {
  return {
    uid: `runner_type:${r.name}`,
    name: r.name,
    ref: r.name,
    description: r.description,
    enabled: true,
    runner_parameters: r.parameters,
  };
}

/** StackStorm's `/api/v1/runnertypes`: the runners this server offers, with their parameters. */
export function runnerTypeRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  app.get<{ Querystring: PagingQuery }>(
    '/api/v1/runnertypes',
    {
      config: { permission: 'runner:read' },
      schema: {
        summary: 'List runner types',
        tags: ['runnertypes'],
        querystring: { type: 'object', properties: pagingQuerySchema },
      },
    },
    async (req, reply) => pageOfList(reply, deps.runners.list(), req.query).map(present),
  );
  app.get<{ Params: { name: string } }>(
    '/api/v1/runnertypes/:name',
    {
      config: { permission: 'runner:read' },
      schema: {
        summary: 'Get a runner type',
        tags: ['runnertypes'],
        params: { type: 'object', properties: { name: { type: 'string' } } },
      },
    },
    async (req) => {
      const r = deps.runners.get(req.params.name);
      if (!r) throw new SquallError('SQ_NOT_FOUND', `Runner type "${req.params.name}" does not exist.`);
      return present(r);
    },
  );
}
