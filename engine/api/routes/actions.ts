import type { FastifyInstance } from 'fastify';
import { effectiveSpecs } from '../../actions/parameters.js';
import { SquallError } from '../../errors.js';
import type { Action } from '../../model/action.js';
import { type ActionBody, actionBodySchema, actionFromBody } from '../action-body.js';
import { attributesQuerySchema, selectAttributes } from '../attributes.js';
import { pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';
import { presentAction } from '../present-action.js';
import { principalOf } from '../request-auth.js';
import type { RouteContext } from '../route-context.js';

interface ListQuery {
  pack?: string;
  name?: string;
  limit?: number;
  offset?: number;
  show_secrets?: boolean;
  include_attributes?: string;
  exclude_attributes?: string;
}

const refParams = {
  type: 'object',
  required: ['ref_or_id'],
  properties: { ref_or_id: { type: 'string', description: 'Action ref (pack.name) or id' } },
} as const;

const listQuery = {
  type: 'object',
  properties: {
    pack: { type: 'string' },
    name: { type: 'string' },
    show_secrets: { type: 'boolean' },
    ...pagingQuerySchema,
    ...attributesQuerySchema,
  },
} as const;

/** StackStorm's `/api/v1/actions` resource and its views. */
export function actionRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const { store, runners, auth } = deps;
  const bounds = { defaultLimit: 1000, maxLimit: 1000 };

  async function find(refOrId: string): Promise<Action> {
    const a = await store.actions.get(refOrId);
    if (!a) throw new SquallError('SQ_ACTION_NOT_FOUND', `Action "${refOrId}" does not exist.`);
    return a;
  }

  function show(a: Action, showSecrets: boolean): ReturnType<typeof presentAction> {
    return presentAction(a, { showSecrets, runnerParams: runners.get(a.runner_type)?.parameters });
  }

  for (const path of ['/api/v1/actions', '/api/v1/actions/views/overview']) {
    app.get<{ Querystring: ListQuery }>(
      path,
      {
        config: { permission: 'action:read' },
        schema: { summary: 'List actions', tags: ['actions'], querystring: listQuery },
      },
      async (req, reply) => {
        const paging = resolvePaging(req.query, bounds);
        const page = await store.actions.list({
          ...(req.query.pack ? { pack: req.query.pack } : {}),
          ...(req.query.name ? { name: req.query.name } : {}),
          ...paging,
        });
        setPagingHeaders(reply, page.total, paging);
        const secrets = req.query.show_secrets === true && auth.can(principalOf(req), 'execution:show_secrets');
        return page.items.map((a) => selectAttributes(show(a, secrets), req.query));
      },
    );
    app.get<{ Params: { ref_or_id: string }; Querystring: { show_secrets?: boolean } }>(
      `${path}/:ref_or_id`,
      {
        config: { permission: 'action:read' },
        schema: {
          summary: 'Get an action',
          tags: ['actions'],
          params: refParams,
          querystring: { type: 'object', properties: { show_secrets: { type: 'boolean' } } },
        },
      },
      async (req) => {
        const secrets = req.query.show_secrets === true && auth.can(principalOf(req), 'execution:show_secrets');
        return show(await find(req.params.ref_or_id), secrets);
      },
    );
  }

  app.get<{ Params: { ref_or_id: string } }>(
    '/api/v1/actions/views/parameters/:ref_or_id',
    {
      config: { permission: 'action:read' },
      schema: { summary: "An action's parameters merged with its runner's", tags: ['actions'], params: refParams },
    },
    async (req) => {
      const a = await find(req.params.ref_or_id);
      const runnerParams = runners.get(a.runner_type)?.parameters ?? {};
      const merged: Action = { ...a, parameters: effectiveSpecs(runnerParams, a.parameters) };
      return { parameters: presentAction(merged, { showSecrets: false, runnerParams }).parameters };
    },
  );

  app.post<{ Body: ActionBody }>(
    '/api/v1/actions',
    {
      config: { permission: 'action:write' },
      schema: { summary: 'Create an action', tags: ['actions'], body: actionBodySchema },
    },
    async (req, reply) => {
      const action = actionFromBody(req.body, runners);
      if (await store.actions.get(action.ref)) {
        throw new SquallError(
          'SQ_CONFLICT',
          `Action "${action.ref}" already exists; use PUT /api/v1/actions/${action.ref} to change it`,
        );
      }
      const saved = await store.actions.upsert(action);
      deps.logger.info('action created', { component: 'api', ref: saved.ref, user: principalOf(req).user });
      return reply.status(201).send(show(saved, false));
    },
  );

  app.put<{ Body: ActionBody; Params: { ref_or_id: string } }>(
    '/api/v1/actions/:ref_or_id',
    {
      config: { permission: 'action:write' },
      schema: { summary: 'Replace an action', tags: ['actions'], params: refParams, body: actionBodySchema },
    },
    async (req) => {
      const existing = await find(req.params.ref_or_id);
      const action = actionFromBody(req.body, runners, existing);
      if (action.ref !== existing.ref) {
        throw new SquallError(
          'SQ_VALIDATION',
          `Cannot rename action "${existing.ref}" to "${action.ref}"; create the new one and delete the old one`,
        );
      }
      const saved = await store.actions.upsert(action);
      deps.logger.info('action updated', { component: 'api', ref: saved.ref, user: principalOf(req).user });
      return show(saved, false);
    },
  );

  app.delete<{ Params: { ref_or_id: string } }>(
    '/api/v1/actions/:ref_or_id',
    {
      config: { permission: 'action:write' },
      schema: { summary: 'Delete an action', tags: ['actions'], params: refParams },
    },
    async (req, reply) => {
      const a = await find(req.params.ref_or_id);
      await store.actions.delete(a.id);
      deps.logger.info('action deleted', { component: 'api', ref: a.ref, user: principalOf(req).user });
      return reply.status(204).send();
    },
  );
}
