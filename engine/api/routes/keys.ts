import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthService, Principal } from '../../auth/auth-service.js';
import type { KvScope } from '../../datastore/kv-lookup.js';
import { type KvService, type KvSetInput, notFound } from '../../datastore/kv-service.js';
import { SquallError } from '../../errors.js';
import type { KeyValueRef } from '../../model/key-value.js';
import { type PagingQuery, pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';
import { principalOf } from '../request-auth.js';

/** StackStorm's scope names, short and long; `all` only for lists. */
const SCOPES = ['system', 'user', 'st2kv.system', 'st2kv.user'] as const;
type ScopeName = (typeof SCOPES)[number];

const keyView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    uid: { type: 'string' },
    name: { type: 'string' },
    scope: { type: 'string' },
    user: { type: 'string' },
    value: { type: 'string', description: 'For a secret: its ciphertext, unless decrypt=true.' },
    secret: { type: 'boolean' },
    encrypted: { type: 'boolean', description: 'True when `value` is the ciphertext.' },
    description: { type: 'string' },
    expire_timestamp: { type: 'string' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

const nameParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 } },
} as const;

const oneQuery = {
  type: 'object',
  properties: {
    scope: { type: 'string', enum: [...SCOPES] },
    user: { type: 'string', minLength: 1, description: "Another user's st2kv.user item (admins)." },
    decrypt: { type: 'boolean', description: 'Show a secret in clear (admins; the owner for st2kv.user).' },
  },
} as const;

interface OneQuery {
  scope?: ScopeName;
  user?: string;
  decrypt?: boolean;
}

interface ListQuery extends PagingQuery, Omit<OneQuery, 'scope'> {
  prefix?: string;
  scope?: ScopeName | 'all';
}

interface PutBody {
  name?: string;
  value: string;
  scope?: ScopeName;
  user?: string;
  secret?: boolean;
  encrypted?: boolean;
  ttl?: number;
  description?: string;
}

const fullScope = (s: ScopeName | undefined): KvScope =>
  s === 'user' || s === 'st2kv.user' ? 'st2kv.user' : 'st2kv.system';

/**
 * StackStorm's datastore API, `/api/v1/keys`. Everyone reads `st2kv.system` (secrets as ciphertext)
 * and owns a private `st2kv.user`; writing system items takes `kv:write`; other users' items,
 * decrypting system secrets and loading pre-encrypted values take `kv:any`. See docs/datastore.md.
 */
export function keyRoutes(app: FastifyInstance, deps: { kv: KvService; auth: AuthService }): void {
  const { kv, auth } = deps;
  const bounds = { defaultLimit: 100, maxLimit: 1000 };

  /** The item a request names, after checking the caller may touch it. */
  function refOf(p: Principal, name: string, scope: KvScope, user: string | undefined): KeyValueRef {
    if (scope === 'st2kv.system') return { scope, name };
    const owner = user ?? p.user;
    if (owner !== p.user && !auth.can(p, 'kv:any')) {
      throw new SquallError('SQ_FORBIDDEN', `User "${p.user}" may only use their own st2kv.user items`);
    }
    return { scope, name, user: owner };
  }

  function mayDecrypt(p: Principal, ref: { scope: KvScope; user?: string | undefined }): void {
    if (ref.scope === 'st2kv.user' && ref.user === p.user) return;
    if (!auth.can(p, 'kv:any')) {
      throw new SquallError(
        'SQ_FORBIDDEN',
        `decrypt=true needs kv:any (admins) except on your own st2kv.user items; user "${p.user}" lacks it`,
      );
    }
  }

  function mayWrite(p: Principal, ref: KeyValueRef): void {
    if (ref.scope === 'st2kv.system') auth.assert(p, 'kv:write');
  }

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/keys',
    {
      config: { permission: 'kv:read' },
      schema: {
        summary: 'List datastore items',
        tags: ['keys'],
        querystring: {
          type: 'object',
          properties: {
            ...pagingQuerySchema,
            ...oneQuery.properties,
            scope: { type: 'string', enum: [...SCOPES, 'all'], description: 'system (default), user or all' },
            prefix: { type: 'string', description: 'Only names starting with this.' },
          },
        },
        response: { 200: { type: 'array', items: keyView } },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const q = req.query;
      const paging = resolvePaging(q, bounds);
      // As StackStorm: `user` implies st2kv.user; no scope means st2kv.system.
      const scopeName = q.user !== undefined && q.scope === undefined ? 'user' : (q.scope ?? 'system');
      const admin = auth.can(p, 'kv:any');
      if (q.user !== undefined && q.user !== p.user && !admin) {
        throw new SquallError('SQ_FORBIDDEN', `User "${p.user}" may only list their own st2kv.user items`);
      }
      const scope = scopeName === 'all' ? undefined : fullScope(scopeName);
      if (q.decrypt === true && (scope !== 'st2kv.user' || (q.user ?? p.user) !== p.user)) {
        mayDecrypt(p, { scope: scope ?? 'st2kv.system' });
      }
      // Admins listing `all` without `user` see every user's items; everyone else only their own.
      const user = q.user ?? (admin && scopeName === 'all' ? undefined : p.user);
      const page = await kv.list({
        ...(scope ? { scope } : {}),
        ...(user !== undefined ? { user } : {}),
        ...(q.prefix ? { prefix: q.prefix } : {}),
        ...paging,
      });
      setPagingHeaders(reply, page.total, paging);
      return page.items.map((i) => kv.view(i, { decrypt: q.decrypt === true }));
    },
  );

  app.get<{ Params: { name: string }; Querystring: OneQuery }>(
    '/api/v1/keys/:name',
    {
      config: { permission: 'kv:read' },
      schema: {
        summary: 'Get one datastore item',
        tags: ['keys'],
        params: nameParams,
        querystring: oneQuery,
        response: { 200: keyView },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const ref = refOf(p, req.params.name, fullScope(req.query.scope), req.query.user);
      if (req.query.decrypt === true) mayDecrypt(p, ref);
      const item = await kv.get(ref);
      if (!item) throw notFound(ref);
      return kv.view(item, { decrypt: req.query.decrypt === true });
    },
  );

  app.put<{ Params: { name: string }; Body: PutBody }>(
    '/api/v1/keys/:name',
    {
      config: { permission: 'kv:read' },
      schema: {
        summary: 'Create or replace a datastore item (st2kv.system needs kv:write)',
        tags: ['keys'],
        params: nameParams,
        body: {
          type: 'object',
          required: ['value'],
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            value: { type: 'string' },
            scope: { type: 'string', enum: [...SCOPES] },
            user: { type: 'string', minLength: 1 },
            secret: { type: 'boolean' },
            encrypted: { type: 'boolean', description: 'The value is already encrypted (an export); admins.' },
            ttl: { type: 'integer', minimum: 1, description: 'Seconds until the item expires.' },
            description: { type: 'string' },
            // st2client sends back what it read; these are ignored.
            id: { type: 'string' },
            uid: { type: 'string' },
            expire_timestamp: { type: 'string' },
            created_at: { type: 'string' },
            updated_at: { type: 'string' },
          },
        },
        response: { 200: keyView },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const b = req.body;
      const ref = refOf(p, req.params.name, fullScope(b.scope), b.user);
      mayWrite(p, ref);
      if (b.encrypted === true && !auth.can(p, 'kv:any')) {
        throw new SquallError('SQ_FORBIDDEN', `Loading pre-encrypted values needs kv:any (admins)`);
      }
      const input: KvSetInput = {
        ...ref,
        value: b.value,
        ...(b.secret !== undefined ? { secret: b.secret } : {}),
        ...(b.encrypted !== undefined ? { encrypted: b.encrypted } : {}),
        ...(b.ttl !== undefined ? { ttl: b.ttl } : {}),
        ...(b.description !== undefined ? { description: b.description } : {}),
      };
      return kv.view(await kv.set(input, p.user));
    },
  );

  app.delete<{ Params: { name: string }; Querystring: Omit<OneQuery, 'decrypt'> }>(
    '/api/v1/keys/:name',
    {
      config: { permission: 'kv:read' },
      schema: {
        summary: 'Delete a datastore item (st2kv.system needs kv:write)',
        tags: ['keys'],
        params: nameParams,
        querystring: {
          type: 'object',
          properties: { scope: oneQuery.properties.scope, user: oneQuery.properties.user },
        },
      },
    },
    async (req: FastifyRequest<{ Params: { name: string }; Querystring: Omit<OneQuery, 'decrypt'> }>, reply) => {
      const p = principalOf(req);
      const ref = refOf(p, req.params.name, fullScope(req.query.scope), req.query.user);
      mayWrite(p, ref);
      await kv.delete(ref, p.user);
      return reply.status(204).send();
    },
  );
}
