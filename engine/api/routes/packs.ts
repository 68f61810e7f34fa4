import type { FastifyInstance } from 'fastify';
import { SquallError } from '../../errors.js';
import type { JsonValue } from '../../model/json.js';
import type { RegisterReport } from '../../packs/pack-registrar.js';
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
  no_deps?: boolean;
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
            no_deps: {
              type: 'boolean',
              description: "Do not install packs' requirements.txt into their virtual environments. @default false",
            },
          },
        },
      },
    },
    async (req) => {
      const packs = req.body?.packs;
      const report = await deps.registerPacks({
        ...(packs && packs.length > 0 ? { packs } : {}),
        ...(req.body?.no_deps === true ? { noDeps: true } : {}),
      });
      deps.logger.info('packs registered', {
        component: 'api',
        user: principalOf(req).user,
        packs: report.packs,
        actions: report.actions,
        problems: report.problems.length,
      });
      const errors = report.problems.filter(isError);
      refuseOnVenvFailure(report);
      if (req.body?.fail_on_failure === true && errors.length > 0) {
        throw new SquallError('SQ_PACK_INVALID', `Failed to register packs: ${errors.map(formatProblem).join('; ')}`);
      }
      return registerAnswer(report);
    },
  );

  app.post<{ Body: { packs: string[]; no_deps?: boolean } }>(
    '/api/v1/packs/setup_virtualenv',
    {
      config: { permission: 'pack:register' },
      schema: {
        summary: "(Re)installs packs' virtual environments, then registers the packs",
        description:
          "Runs pip for requirements.txt even when it is unchanged (the retry after a failed install); a pack whose environment still fails is not registered and the answer is 400 with pip's message.",
        tags: ['packs'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['packs'],
          properties: {
            packs: { type: 'array', items: { type: 'string' }, minItems: 1 },
            no_deps: { type: 'boolean' },
          },
        },
      },
    },
    async (req) => {
      const report = await deps.registerPacks({
        packs: req.body.packs,
        forceVenv: true,
        ...(req.body.no_deps === true ? { noDeps: true } : {}),
      });
      deps.logger.info('pack environments set up', {
        component: 'api',
        user: principalOf(req).user,
        packs: report.packs,
        refused: report.refused,
      });
      refuseOnVenvFailure(report);
      const missing = report.problems.filter((p) => p.problem.startsWith('no pack named'));
      if (missing.length > 0) throw new SquallError('SQ_PACK_NOT_FOUND', missing.map(formatProblem).join('; '));
      return registerAnswer(report);
    },
  );

  for (const [path, action, summary] of [
    ['/api/v1/packs/install', 'packs.install', 'Install packs (a packs.install execution)'],
    ['/api/v1/packs/uninstall', 'packs.uninstall', 'Remove packs (a packs.uninstall execution)'],
  ] as const) {
    app.post<{ Body: InstallBody }>(
      path,
      {
        config: { permission: 'pack:install' },
        schema: {
          summary,
          description:
            'As StackStorm: answers 202 with the id of the execution doing the work; its output shows each step.',
          tags: ['packs'],
          body: {
            type: 'object',
            required: ['packs'],
            additionalProperties: false,
            properties: {
              packs: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
              force: { type: 'boolean' },
              skip_dependencies: { type: 'boolean' },
              no_deps: { type: 'boolean', description: "Squall: skip the pack's requirements.txt" },
              // st2 clients may send these; Squall registers every kind of content.
              register: { type: 'string' },
              types: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
      async (req, reply) => {
        const p = principalOf(req);
        const b = req.body;
        const parameters: Record<string, JsonValue> = { packs: b.packs };
        if (action === 'packs.install') {
          if (b.force !== undefined) parameters.force = b.force;
          if (b.skip_dependencies !== undefined) parameters.skip_dependencies = b.skip_dependencies;
          if (b.no_deps !== undefined) parameters.no_deps = b.no_deps;
        }
        const e = await deps.executions.request({
          action,
          parameters,
          context: { user: p.user },
          requestedBy: p,
        });
        return reply.status(202).send({ execution_id: e.id });
      },
    );
  }
}

interface InstallBody {
  packs: string[];
  force?: boolean;
  skip_dependencies?: boolean;
  no_deps?: boolean;
}

/** A pack refused before registration (its environment could not be made): the request failed, with pip's words. */
function refuseOnVenvFailure(report: RegisterReport): void {
  if (report.refused.length === 0) return;
  const why = report.problems.filter((p) =>
    report.refused.some((r) => p.problem.startsWith(`pack ${r} not registered`)),
  );
  const others = report.packs.length > 0 ? ` (registered: ${report.packs.join(', ')})` : '';
  throw new SquallError('SQ_PACK_INVALID', `${why.map((p) => p.problem).join('\n')}${others}`);
}

/** StackStorm answers a count per content kind; Squall adds which packs and what went wrong. */
function registerAnswer(report: RegisterReport) {
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
}
