import type { FastifyInstance } from 'fastify';
import { helpEntries } from '../../../aliases/help.js';
import { validateAliasFormats } from '../../../aliases/matcher.js';
import { SquallError } from '../../errors.js';
import type { ActionAlias } from '../../model/alias.js';
import { buildAlias } from '../../packs/kinds/alias-kind.js';
import type { AliasApiDeps } from '../alias-api-deps.js';
import { pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';

const refParams = {
  type: 'object',
  required: ['ref_or_id'],
  properties: { ref_or_id: { type: 'string', description: 'Alias ref (pack.name) or id' } },
} as const;

// Chat clients read every alias at once: a list without `limit` holds them all.
const ALIAS_PAGE_BOUNDS = { defaultLimit: 10_000, maxLimit: 10_000 };
const HELP_PAGE_BOUNDS = { defaultLimit: 100, maxLimit: 10_000 };

/** Builds an alias from an API body with the same checks pack registration applies. */
function aliasFromBody(body: unknown, existing?: ActionAlias): ActionAlias {
  const data = { ...(typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}) };
  const pack = typeof data.pack === 'string' && data.pack ? data.pack : (existing?.pack ?? 'default');
  // Server-owned fields may be echoed back by clients (st2 does a GET, edits, PUTs); they are not input.
  for (const k of ['id', 'ref', 'uid', 'pack', 'metadata_file']) delete data[k];
  const { alias, problems } = buildAlias(data, { pack, metadataFile: existing?.metadata_file ?? '' });
  const errors = problems.filter((p) => p.severity !== 'warning');
  if (!alias || errors.length > 0) {
    throw new SquallError(
      'SQ_ALIAS_INVALID',
      errors.map((p) => (p.field ? `${p.field}: ${p.problem}` : p.problem)).join('; '),
    );
  }
  const bad = validateAliasFormats(alias);
  if (bad) throw new SquallError('SQ_ALIAS_INVALID', bad);
  return existing ? { ...alias, id: existing.id } : alias;
}

/** StackStorm's `/api/v1/actionalias` resource: CRUD, `match` and `help`. */
export async function aliasRoutes(app: FastifyInstance, deps: AliasApiDeps): Promise<void> {
  const { store, catalog } = deps;

  app.get<{ Querystring: { pack?: string; name?: string; limit?: number; offset?: number } }>(
    '/api/v1/actionalias',
    {
      config: { permission: 'alias:read' },
      schema: {
        querystring: {
          type: 'object',
          properties: {
            pack: { type: 'string' },
            name: { type: 'string' },
            ...pagingQuerySchema,
          },
        },
      },
    },
    async (req, reply) => {
      const { pack, name } = req.query;
      const paging = resolvePaging(req.query, ALIAS_PAGE_BOUNDS);
      const page = await store.aliases.list({ ...(pack ? { pack } : {}), ...(name ? { name } : {}), ...paging });
      setPagingHeaders(reply, page.total, paging);
      return page.items;
    },
  );

  app.get<{ Params: { ref_or_id: string } }>(
    '/api/v1/actionalias/:ref_or_id',
    { config: { permission: 'alias:read' }, schema: { params: refParams } },
    async (req) => {
      const a = await store.aliases.get(req.params.ref_or_id);
      if (!a) throw new SquallError('SQ_ALIAS_NOT_FOUND', `Action alias "${req.params.ref_or_id}" does not exist.`);
      return a;
    },
  );

  app.post('/api/v1/actionalias', { config: { permission: 'alias:write' } }, async (req, reply) => {
    const alias = aliasFromBody(req.body);
    if (await store.aliases.get(alias.ref))
      throw new SquallError('SQ_CONFLICT', `Action alias "${alias.ref}" already exists.`);
    const saved = await store.aliases.upsert(alias);
    await catalog.refresh();
    return reply.status(201).send(saved);
  });

  app.put<{ Params: { ref_or_id: string } }>(
    '/api/v1/actionalias/:ref_or_id',
    { config: { permission: 'alias:write' }, schema: { params: refParams } },
    async (req) => {
      const existing = await store.aliases.get(req.params.ref_or_id);
      if (!existing)
        throw new SquallError('SQ_ALIAS_NOT_FOUND', `Action alias "${req.params.ref_or_id}" does not exist.`);
      const saved = await store.aliases.upsert(aliasFromBody(req.body, existing));
      await catalog.refresh();
      return saved;
    },
  );

  app.delete<{ Params: { ref_or_id: string } }>(
    '/api/v1/actionalias/:ref_or_id',
    { config: { permission: 'alias:write' }, schema: { params: refParams } },
    async (req, reply) => {
      if (!(await store.aliases.delete(req.params.ref_or_id))) {
        throw new SquallError('SQ_ALIAS_NOT_FOUND', `Action alias "${req.params.ref_or_id}" does not exist.`);
      }
      await catalog.refresh();
      return reply.status(204).send();
    },
  );

  app.post<{ Body: { command: string } }>(
    '/api/v1/actionalias/match',
    {
      config: { permission: 'alias:read' },
      schema: {
        body: {
          type: 'object',
          required: ['command'],
          additionalProperties: false,
          properties: { command: { type: 'string' } },
        },
      },
    },
    async (req) => {
      const outcome = catalog.matcher.match(req.body.command);
      if (outcome.kind === 'none') throw new SquallError('SQ_ALIAS_NO_MATCH', outcome.message);
      if (outcome.kind === 'ambiguous') throw new SquallError('SQ_ALIAS_AMBIGUOUS', outcome.message);
      const m = outcome.matches[0]!;
      return { actionalias: m.alias, display: m.display, representation: m.representation, parameters: m.parameters };
    },
  );

  app.get<{ Querystring: { filter?: string; pack?: string; limit?: number; offset?: number } }>(
    '/api/v1/actionalias/help',
    {
      config: { permission: 'alias:read' },
      schema: {
        querystring: {
          type: 'object',
          properties: {
            filter: { type: 'string' },
            pack: { type: 'string' },
            ...pagingQuerySchema,
          },
        },
      },
    },
    async (req) => {
      const { filter, pack } = req.query;
      const entries = helpEntries(
        catalog.aliases.filter((a) => a.enabled),
        { ...(filter ? { filter } : {}), ...(pack ? { pack } : {}) },
      );
      const { offset, limit } = resolvePaging(req.query, HELP_PAGE_BOUNDS);
      return {
        available: entries.length,
        helpstrings: entries
          .slice(offset, offset + limit)
          .map((e) => ({ pack: e.pack, display: e.display, description: e.description ?? '' })),
      };
    },
  );
}
