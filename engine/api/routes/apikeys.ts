import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashSecret } from '../../auth/secret-tokens.js';
import { SquallError } from '../../errors.js';
import type { ApiKey } from '../../model/auth.js';
import type { JsonObject } from '../../model/json.js';
import { excerpt } from '../http-errors.js';
import { type PagingQuery, pageOfList, pagingQuerySchema } from '../paging.js';
import { principalOf } from '../request-auth.js';
import type { RouteContext } from '../route-context.js';

const keyParams = {
  type: 'object',
  required: ['id_or_key'],
  properties: { id_or_key: { type: 'string', description: 'API key id, or the key itself' } },
} as const;

const apiKeySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    uid: { type: 'string' },
    user: { type: 'string' },
    key_hash: { type: 'string' },
    key: { type: 'string', description: 'The key itself; only in the answer that created it.' },
    metadata: { type: 'object', additionalProperties: true },
    created_at: { type: 'string' },
    enabled: { type: 'boolean' },
  },
} as const;

/**
 * StackStorm's `/api/v1/apikeys`. Everyone manages their own keys; admins manage anyone's. Keys are
 * stored as hashes, so the key itself appears once, in the creation answer.
 */
export function apiKeyRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const { store, auth } = deps;

  function mayManage(req: FastifyRequest, owner: string): void {
    const p = principalOf(req);
    if (owner !== p.user && !auth.can(p, 'apikey:any')) {
      throw new SquallError(
        'SQ_FORBIDDEN',
        `User "${p.user}" may only manage their own API keys, not those of "${owner}"`,
      );
    }
  }

  async function find(req: FastifyRequest, idOrKey: string): Promise<ApiKey> {
    const k = (await store.apiKeys.get(idOrKey)) ?? (await store.apiKeys.getByHash(hashSecret(idOrKey)));
    const p = principalOf(req);
    // Someone else's key answers exactly as a missing one, so ids cannot be probed for existence.
    if (!k || (k.user !== p.user && !auth.can(p, 'apikey:any'))) {
      throw new SquallError('SQ_NOT_FOUND', `API key "${excerpt(idOrKey)}" does not exist.`);
    }
    return k;
  }

  app.post<{ Body: { user?: string; metadata?: JsonObject; enabled?: boolean } | undefined }>(
    '/api/v1/apikeys',
    {
      config: { permission: 'apikey:own' },
      schema: {
        summary: 'Create an API key (the key is shown once)',
        tags: ['apikeys'],
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            user: { type: 'string', description: 'Owner; defaults to the caller (admins may name anyone)' },
            metadata: { type: 'object', additionalProperties: true },
            enabled: { type: 'boolean' },
          },
        },
        response: { 201: apiKeySchema },
      },
    },
    async (req, reply) => {
      const user = req.body?.user ?? principalOf(req).user;
      mayManage(req, user);
      const { apiKey, key } = await auth.createApiKey(user, req.body?.metadata ?? {});
      const stored =
        req.body?.enabled === false ? ((await store.apiKeys.update(apiKey.id, { enabled: false })) ?? apiKey) : apiKey;
      return reply.status(201).send({ ...stored, key });
    },
  );

  app.get<{ Querystring: PagingQuery }>(
    '/api/v1/apikeys',
    {
      config: { permission: 'apikey:own' },
      schema: {
        summary: "List API keys (the caller's; all for admins)",
        tags: ['apikeys'],
        querystring: { type: 'object', properties: pagingQuerySchema },
        response: { 200: { type: 'array', items: apiKeySchema } },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const keys = await store.apiKeys.list(auth.can(p, 'apikey:any') ? {} : { user: p.user });
      return pageOfList(reply, keys, req.query);
    },
  );

  app.get<{ Params: { id_or_key: string } }>(
    '/api/v1/apikeys/:id_or_key',
    {
      config: { permission: 'apikey:own' },
      schema: { summary: 'Get an API key', tags: ['apikeys'], params: keyParams, response: { 200: apiKeySchema } },
    },
    async (req) => find(req, req.params.id_or_key),
  );

  app.put<{ Params: { id_or_key: string }; Body: { enabled?: boolean; metadata?: JsonObject; user?: string } }>(
    '/api/v1/apikeys/:id_or_key',
    {
      config: { permission: 'apikey:own' },
      schema: {
        summary: 'Enable, disable or re-describe an API key',
        tags: ['apikeys'],
        params: keyParams,
        body: {
          type: 'object',
          // st2 clients PUT the whole key back; fields that cannot change are accepted and checked or ignored.
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean' },
            metadata: { type: 'object', additionalProperties: true },
            user: { type: 'string' },
            id: { type: 'string' },
            uid: { type: 'string' },
            key_hash: { type: 'string' },
            created_at: { type: 'string' },
          },
        },
        response: { 200: apiKeySchema },
      },
    },
    async (req) => {
      const k = await find(req, req.params.id_or_key);
      if (req.body.user !== undefined && req.body.user !== k.user) {
        throw new SquallError('SQ_VALIDATION', `An API key cannot change owner (it belongs to "${k.user}")`);
      }
      const patch = {
        ...(req.body.enabled !== undefined ? { enabled: req.body.enabled } : {}),
        ...(req.body.metadata !== undefined ? { metadata: req.body.metadata } : {}),
      };
      const updated = await store.apiKeys.update(k.id, patch);
      if (!updated) throw new SquallError('SQ_NOT_FOUND', `API key "${req.params.id_or_key}" does not exist.`);
      deps.logger.info('api key updated', {
        component: 'api',
        id: k.id,
        enabled: updated.enabled,
        by: principalOf(req).user,
      });
      return updated;
    },
  );

  app.delete<{ Params: { id_or_key: string } }>(
    '/api/v1/apikeys/:id_or_key',
    {
      config: { permission: 'apikey:own' },
      schema: { summary: 'Delete an API key', tags: ['apikeys'], params: keyParams },
    },
    async (req, reply) => {
      const k = await find(req, req.params.id_or_key);
      await store.apiKeys.delete(k.id);
      deps.logger.info('api key deleted', { component: 'api', id: k.id, by: principalOf(req).user });
      return reply.status(204).send();
    },
  );
}
