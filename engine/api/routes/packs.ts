import type { FastifyInstance } from 'fastify';
import { SquallError } from '../../errors.js';
import { formatProblem, isError } from '../../packs/pack-types.js';
import { attributesQuerySchema, selectAttributes } from '../attributes.js';
import { pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';
import { principalOf } from '../request-auth.js';
import type { RouteContext } from '../route-context.js';

interface ListQuery {
  name?: string;
  limit?: number;
  offset?: number;
  include_attributes?: string;
  exclude_attributes?: string;
}

interface RegisterBody {
  packs?: string[];
  fail_on_failure?: boolean;
}

/** StackStorm's `/api/v1/packs`: registered packs, and `register` to (re)load them from disk. */
export function packRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const { store } = deps;
  const bounds = { defaultLimit: 1000, maxLimit: 1000 };

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/packs',
    {
      config: { permission: 'pack:read' },
      schema: {
        summary: 'List packs',
        tags: ['packs'],
        querystring: {
          type: 'object',
          properties: { name: { type: 'string' }, ...pagingQuerySchema, ...attributesQuerySchema },
        },
      },
    },
    async (req, reply) => {
      const paging = resolvePaging(req.query, bounds);
      const page = await store.packs.list({ ...(req.query.name ? { name: req.query.name } : {}), ...paging });
      setPagingHeaders(reply, page.total, paging);
      return page.items.map((p) => selectAttributes(p, req.query));
    },
  );

  app.get<{ Params: { ref_or_id: string } }>(
    '/api/v1/packs/:ref_or_id',
    {
      config: { permission: 'pack:read' },
      schema: {
        summary: 'Get a pack',
        tags: ['packs'],
        params: { type: 'object', properties: { ref_or_id: { type: 'string' } } },
      },
    },
    async (req) => {
      const p = await store.packs.get(req.params.ref_or_id);
      if (!p) throw new SquallError('SQ_PACK_NOT_FOUND', `Pack "${req.params.ref_or_id}" does not exist.`);
      return p;
    },
  );

  app.post<{ Body: RegisterBody | undefined }>(
    '/api/v1/packs/register',
    {
      config: { permission: 'pack:register' },
      schema: {
        summary: 'Register packs from the pack folders (all, or the named ones)',
        description: 'Answers counts per kind (`actions`, `aliases`, ...) and the `problems` found.',
        tags: ['packs'],
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            packs: { type: 'array', items: { type: 'string' } },
            // st2 clients send `types`; Squall registers every kind it knows, so it is accepted and ignored.
            types: { type: 'array', items: { type: 'string' } },
            fail_on_failure: {
              type: 'boolean',
              description: 'Answer 400 when any pack file failed to load. @default false',
            },
          },
        },
      },
    },
    async (req) => {
      const packs = req.body?.packs;
      const report = await deps.registerPacks(packs && packs.length > 0 ? { packs } : {});
      deps.logger.info('packs registered', {
        component: 'api',
        user: principalOf(req).user,
        packs: report.packs,
        actions: report.actions,
        problems: report.problems.length,
      });
      const errors = report.problems.filter(isError);
      if (req.body?.fail_on_failure === true && errors.length > 0) {
        throw new SquallError('SQ_PACK_INVALID', `Failed to register packs: ${errors.map(formatProblem).join('; ')}`);
      }
      // StackStorm answers a count per content kind; Squall adds which packs and what went wrong.
      return {
        packs: report.packs.length,
        actions: report.actions,
        aliases: report.aliases,
        triggers: report.triggers,
        rules: report.rules,
        sensors: report.sensors,
        registered_packs: report.packs,
        problems: report.problems,
      };
    },
  );
}
