import type { FastifyInstance } from 'fastify';
import { SquallError } from '../../errors.js';
import { ROLES, type Role, type User } from '../../model/auth.js';
import { type PagingQuery, pageOfList, pagingQuerySchema } from '../paging.js';
import { principalOf } from '../request-auth.js';
import type { RouteContext } from '../route-context.js';

/** A user as the API shows it: never the password hash. */
export function presentUser(u: User): Omit<User, 'password_hash'> & { has_password: boolean } {
  const { password_hash, ...rest } = u;
  return { ...rest, has_password: password_hash !== undefined };
}

const nameParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' } },
} as const;

const nicknameParams = {
  type: 'object',
  required: ['name', 'platform'],
  properties: { name: { type: 'string' }, platform: { type: 'string', pattern: '^[a-z][a-z0-9_-]*$' } },
} as const;

/**
 * Squall's own user management (StackStorm delegates users to its auth backends), for
 * `squall user create` and for mapping chat identities (nicknames) to users.
 */
export function userRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const { store, auth } = deps;

  async function find(name: string): Promise<User> {
    const u = await store.users.get(name);
    if (!u) throw new SquallError('SQ_NOT_FOUND', `User "${name}" does not exist.`);
    return u;
  }

  app.get(
    '/api/v1/user',
    {
      config: { permission: 'self:read' },
      schema: { summary: 'Who the caller is (st2 `GET /api/v1/user`)', tags: ['users'] },
    },
    async (req) => {
      const p = principalOf(req);
      return {
        username: p.user,
        authentication: { method: p.via === 'token' ? 'authentication token' : 'api key', location: 'header' },
        rbac: { enabled: true, roles: p.roles, is_admin: p.roles.includes('admin') },
      };
    },
  );

  app.post<{ Body: { name: string; password?: string; roles?: Role[] } }>(
    '/api/v1/users',
    {
      config: { permission: 'user:create' },
      schema: {
        summary: 'Create a user',
        tags: ['users'],
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            password: { type: 'string', description: 'Omit for users that only use API keys' },
            roles: { type: 'array', items: { type: 'string', enum: [...ROLES] }, description: '@default ["viewer"]' },
          },
        },
      },
    },
    async (req, reply) => {
      const u = await auth.createUser(req.body.name, req.body.password, req.body.roles ?? ['viewer']);
      deps.logger.info('user created', { component: 'api', user: u.name, by: principalOf(req).user });
      return reply.status(201).send(presentUser(u));
    },
  );

  app.get<{ Querystring: PagingQuery }>(
    '/api/v1/users',
    {
      config: { permission: 'user:read' },
      schema: {
        summary: 'List users',
        tags: ['users'],
        querystring: { type: 'object', properties: pagingQuerySchema },
      },
    },
    async (req, reply) => pageOfList(reply, await store.users.list(), req.query).map(presentUser),
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/users/:name',
    { config: { permission: 'user:read' }, schema: { summary: 'Get a user', tags: ['users'], params: nameParams } },
    async (req) => presentUser(await find(req.params.name)),
  );

  app.put<{ Params: { name: string }; Body: { enabled?: boolean; roles?: Role[] } }>(
    '/api/v1/users/:name',
    {
      config: { permission: 'user:update' },
      schema: {
        summary: 'Enable or disable a user, or change their roles',
        tags: ['users'],
        params: nameParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean' },
            roles: { type: 'array', items: { type: 'string', enum: [...ROLES] } },
          },
        },
      },
    },
    async (req) => {
      await find(req.params.name);
      const updated = await store.users.update(req.params.name, {
        ...(req.body.enabled !== undefined ? { enabled: req.body.enabled } : {}),
        ...(req.body.roles !== undefined ? { roles: [...new Set(req.body.roles)] } : {}),
      });
      if (!updated) throw new SquallError('SQ_NOT_FOUND', `User "${req.params.name}" does not exist.`);
      deps.logger.info('user updated', { component: 'api', user: updated.name, by: principalOf(req).user });
      return presentUser(updated);
    },
  );

  app.put<{ Params: { name: string; platform: string }; Body: { nickname: string } }>(
    '/api/v1/users/:name/nicknames/:platform',
    {
      config: { permission: 'user:nickname' },
      schema: {
        summary: "Map a chat platform's user id to this user",
        tags: ['users'],
        params: nicknameParams,
        body: {
          type: 'object',
          required: ['nickname'],
          additionalProperties: false,
          properties: { nickname: { type: 'string', minLength: 1, description: "The platform's user id" } },
        },
      },
    },
    async (req) => {
      const { name, platform } = req.params;
      const user = await find(name);
      const holder = await store.users.findByNickname(platform, req.body.nickname);
      if (holder && holder.name !== name) {
        throw new SquallError(
          'SQ_CONFLICT',
          `${platform} user "${req.body.nickname}" is already mapped to user "${holder.name}"`,
        );
      }
      const updated = await store.users.update(name, {
        nicknames: { ...user.nicknames, [platform]: req.body.nickname },
      });
      deps.logger.info('nickname set', { component: 'api', user: name, platform, by: principalOf(req).user });
      return presentUser(updated ?? user);
    },
  );

  app.delete<{ Params: { name: string; platform: string } }>(
    '/api/v1/users/:name/nicknames/:platform',
    {
      config: { permission: 'user:nickname' },
      schema: { summary: 'Remove a chat identity mapping', tags: ['users'], params: nicknameParams },
    },
    async (req, reply) => {
      const { name, platform } = req.params;
      const user = await find(name);
      if (!Object.hasOwn(user.nicknames, platform)) {
        throw new SquallError('SQ_NOT_FOUND', `User "${name}" has no ${platform} nickname`);
      }
      const { [platform]: _removed, ...rest } = user.nicknames;
      await store.users.update(name, { nicknames: rest });
      deps.logger.info('nickname removed', { component: 'api', user: name, platform, by: principalOf(req).user });
      return reply.status(204).send();
    },
  );
}
