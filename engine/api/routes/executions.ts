import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/auth-service.js';
import { SquallError } from '../../errors.js';
import {
  EXECUTION_STATUSES,
  type Execution,
  type ExecutionContext,
  type ExecutionStatus,
} from '../../model/execution.js';
import { attributesQuerySchema, selectAttributes } from '../attributes.js';
import { pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';
import { type ExecutionApi, executionAttribute, presentExecution } from '../present-execution.js';
import { queryTime } from '../query-time.js';
import { principalOf } from '../request-auth.js';
import type { RouteContext } from '../route-context.js';

/** Context keys only the system (or an admin) sets: who ran it, where chat answers go, lineage. */
const RESERVED_CONTEXT = [
  'user',
  'api_user',
  'chat',
  'parent',
  're_run',
  'cancelled_by',
  'action_alias_ref',
  'impersonated_by',
];

interface CreateBody {
  action: string;
  parameters?: Record<string, unknown>;
  context?: Record<string, unknown>;
  user?: string;
  delay?: number;
}

interface ListQuery {
  action?: string;
  status?: ExecutionStatus;
  user?: string;
  parent?: string;
  timestamp_gt?: string;
  timestamp_lt?: string;
  limit?: number;
  offset?: number;
  show_secrets?: boolean;
  include_attributes?: string;
  exclude_attributes?: string;
}

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'Execution id' } },
} as const;

const secretsQuery = {
  type: 'object',
  properties: { show_secrets: { type: 'boolean', description: 'Show secret parameters in clear (admins only).' } },
} as const;

/** StackStorm's `/api/v1/executions` resource: run, list, read, cancel, re-run, output. */
export function executionRoutes(app: FastifyInstance, { deps, opts }: RouteContext): void {
  const { store, executions, auth, runners } = deps;
  const bounds = { defaultLimit: 50, maxLimit: 1000 };

  function present(req: FastifyRequest, e: Execution): ExecutionApi {
    const q = req.query as { show_secrets?: boolean } | undefined;
    const showSecrets = q?.show_secrets === true && auth.can(principalOf(req), 'execution:show_secrets');
    // Stored sealed: shown in clear only to those who may see secrets.
    const shown = showSecrets ? { ...e, parameters: executions.parametersOf(e) } : e;
    return presentExecution(shown, { runners, showSecrets, publicUrl: opts.publicUrl });
  }

  async function find(id: string): Promise<Execution> {
    const e = await store.executions.get(id);
    if (!e) throw new SquallError('SQ_EXECUTION_NOT_FOUND', `Execution "${id}" does not exist.`);
    return e;
  }

  /** The user an execution runs as: the caller, unless an admin names someone else. */
  function runAs(p: Principal, requested: unknown, context: Record<string, unknown>): string {
    if (requested !== undefined && typeof requested !== 'string') {
      throw new SquallError('SQ_VALIDATION', "Invalid body: 'context.user' must be of type string");
    }
    const reserved = Object.keys(context).filter((k) => k !== 'user' && RESERVED_CONTEXT.includes(k));
    const impersonating = requested !== undefined && requested !== p.user;
    if ((impersonating || reserved.length > 0) && !auth.can(p, 'execution:impersonate')) {
      throw new SquallError(
        'SQ_FORBIDDEN',
        impersonating
          ? `User "${p.user}" may not run actions as "${requested}"; only admins may set another user`
          : `User "${p.user}" may not set context ${reserved.join(', ')}; only admins may`,
      );
    }
    return requested ?? p.user;
  }

  app.post<{ Body: CreateBody }>(
    '/api/v1/executions',
    {
      config: { permission: 'execution:run' },
      schema: {
        summary: 'Run an action',
        tags: ['executions'],
        querystring: secretsQuery,
        body: {
          type: 'object',
          required: ['action'],
          additionalProperties: false,
          properties: {
            action: { type: 'string', minLength: 1, description: 'Action ref or id' },
            parameters: { type: 'object', additionalProperties: true },
            context: { type: 'object', additionalProperties: true },
            user: { type: 'string', description: 'Run as this user (admins only)' },
            delay: {
              type: 'integer',
              minimum: 0,
              description: 'Milliseconds to wait before scheduling (StackStorm): the execution is delayed meanwhile',
            },
          },
        },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const context = { ...(req.body.context ?? {}) };
      const user = runAs(p, req.body.user ?? context.user, context);
      const ctx: ExecutionContext = { ...context, user };
      if (user !== p.user) ctx.impersonated_by = p.user;
      const e = await executions.request({
        action: req.body.action,
        parameters: req.body.parameters ?? {},
        context: ctx,
        castStrings: wantsCast(req.headers),
        requestedBy: p,
        ...(req.body.delay ? { delay: req.body.delay } : {}),
      });
      return reply.status(201).send(present(req, e));
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/executions',
    {
      config: { permission: 'execution:read' },
      schema: {
        summary: 'List executions, newest first',
        tags: ['executions'],
        querystring: {
          type: 'object',
          properties: {
            action: { type: 'string', description: 'Action ref' },
            status: { type: 'string', enum: [...EXECUTION_STATUSES] },
            user: { type: 'string' },
            parent: { type: 'string', description: 'Children of this execution id; `null`: only top-level ones' },
            timestamp_gt: { type: 'string', description: 'Started after (ISO 8601)' },
            timestamp_lt: { type: 'string', description: 'Started before (ISO 8601)' },
            show_secrets: { type: 'boolean' },
            ...pagingQuerySchema,
            ...attributesQuerySchema,
          },
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const paging = resolvePaging(q, bounds);
      const startedAfter = queryTime(q.timestamp_gt, 'timestamp_gt');
      const startedBefore = queryTime(q.timestamp_lt, 'timestamp_lt');
      const page = await store.executions.list({
        ...(startedAfter ? { startedAfter } : {}),
        ...(startedBefore ? { startedBefore } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.user ? { user: q.user } : {}),
        ...(q.parent ? { parent: q.parent === 'null' ? null : q.parent } : {}),
        ...paging,
      });
      setPagingHeaders(reply, page.total, paging);
      return page.items.map((e) => selectAttributes(present(req, e), q));
    },
  );

  app.get<{
    Params: { id: string };
    Querystring: { show_secrets?: boolean; include_attributes?: string; exclude_attributes?: string };
  }>(
    '/api/v1/executions/:id',
    {
      config: { permission: 'execution:read' },
      schema: {
        summary: 'Get an execution',
        tags: ['executions'],
        params: idParams,
        querystring: { type: 'object', properties: { ...secretsQuery.properties, ...attributesQuerySchema } },
      },
    },
    async (req) => selectAttributes(present(req, await find(req.params.id)), req.query),
  );

  app.get<{ Params: { id: string }; Querystring: { depth?: number; show_secrets?: boolean } }>(
    '/api/v1/executions/:id/children',
    {
      config: { permission: 'execution:read' },
      schema: {
        summary: "A workflow's child executions, and theirs down to `depth` levels (-1: all), oldest first",
        tags: ['executions'],
        params: idParams,
        querystring: {
          type: 'object',
          properties: { ...secretsQuery.properties, depth: { type: 'integer', minimum: -1, default: -1 } },
        },
      },
    },
    async (req) => {
      await find(req.params.id);
      const depth = req.query.depth ?? -1;
      const out: ExecutionApi[] = [];
      let level = [req.params.id];
      for (let d = 0; level.length > 0 && (depth < 0 || d < depth) && d < 100; d++) {
        const next: string[] = [];
        for (const parent of level) {
          for (let offset = 0; ; offset += 500) {
            const page = await store.executions.list({ parent, limit: 500, offset, order: 'asc' });
            for (const e of page.items) {
              out.push(present(req, e));
              next.push(e.id);
            }
            if (page.items.length < 500) break;
          }
        }
        level = next;
      }
      return out;
    },
  );

  app.get<{ Params: { id: string; attribute: string } }>(
    '/api/v1/executions/:id/attribute/:attribute',
    {
      config: { permission: 'execution:read' },
      schema: {
        summary: 'One field of an execution (st2client `attribute`)',
        tags: ['executions'],
        params: { type: 'object', properties: { id: { type: 'string' }, attribute: { type: 'string' } } },
      },
    },
    async (req, reply) => {
      const value = executionAttribute(present(req, await find(req.params.id)), req.params.attribute);
      if (value === undefined) {
        throw new SquallError(
          'SQ_NOT_FOUND',
          `Execution "${req.params.id}" has no attribute "${req.params.attribute}"`,
        );
      }
      // Serialise here: fastify would send a bare string as text/plain, and st2client expects JSON.
      return reply.type('application/json').send(JSON.stringify(value));
    },
  );

  app.get<{
    Params: { id: string };
    Querystring: { output_type?: 'stdout' | 'stderr' | 'all'; format?: 'text' | 'json' };
  }>(
    '/api/v1/executions/:id/output',
    {
      config: { permission: 'execution:read' },
      schema: {
        summary: 'Output of an execution as plain text, or as its chunks with format=json',
        tags: ['executions'],
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            output_type: { type: 'string', enum: ['stdout', 'stderr', 'all'] },
            format: {
              type: 'string',
              enum: ['text', 'json'],
              description:
                "json: the chunks in the stream's st2.execution_output__create shape, so a live view can join them without gaps or repeats",
            },
          },
        },
      },
    },
    async (req, reply) => {
      const e = await find(req.params.id);
      const type = req.query.output_type;
      const chunks = await store.output.list(e.id, type && type !== 'all' ? { stream: type } : {});
      if (req.query.format === 'json') {
        return chunks.map((c) => ({
          id: String(c.seq),
          execution_id: c.execution_id,
          timestamp: c.timestamp,
          output_type: c.stream,
          data: c.data,
        }));
      }
      return reply.type('text/plain; charset=utf-8').send(chunks.map((c) => c.data).join(''));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/executions/:id',
    {
      config: { permission: 'execution:cancel' },
      schema: { summary: 'Cancel an execution', tags: ['executions'], params: idParams },
    },
    async (req) => present(req, await executions.cancel(req.params.id, principalOf(req).user)),
  );

  app.put<{ Params: { id: string }; Body: { status: 'pausing' | 'resuming' | 'canceling' | 'canceled' } }>(
    '/api/v1/executions/:id',
    {
      config: { permission: 'execution:cancel' },
      schema: {
        summary: 'Pause, resume or cancel an execution (a workflow) by the status asked for',
        tags: ['executions'],
        params: idParams,
        body: {
          type: 'object',
          required: ['status'],
          properties: { status: { type: 'string', enum: ['pausing', 'resuming', 'canceling', 'canceled'] } },
        },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const id = req.params.id;
      const s = req.body.status;
      if (s === 'pausing') return present(req, await executions.pause(id, user));
      if (s === 'resuming') return present(req, await executions.resume(id, user));
      return present(req, await executions.cancel(id, user));
    },
  );

  app.post<{
    Params: { id: string };
    Body:
      | { parameters?: Record<string, unknown>; user?: string; tasks?: string[]; reset?: string[]; delay?: number }
      | undefined;
  }>(
    '/api/v1/executions/:id/re_run',
    {
      config: { permission: 'execution:rerun' },
      schema: {
        summary: 'Run an execution again, optionally with some parameters changed',
        tags: ['executions'],
        params: idParams,
        querystring: secretsQuery,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            parameters: { type: 'object', additionalProperties: true },
            user: { type: 'string', description: 'Run as this user (admins only)' },
            tasks: {
              type: 'array',
              items: { type: 'string', minLength: 1 },
              description: 'A completed workflow runs again from these tasks, reusing the results of the others',
            },
            reset: {
              type: 'array',
              items: { type: 'string', minLength: 1 },
              description: 'With-items tasks among `tasks` whose items all run again',
            },
            delay: { type: 'integer', minimum: 0, description: "Accepted for StackStorm's clients; not applied" },
          },
        },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      await find(req.params.id);
      const user = runAs(p, req.body?.user ?? undefined, {});
      const e = await executions.rerun(req.params.id, {
        user,
        maySeeSecrets: auth.can(p, 'execution:show_secrets'),
        requestedBy: p,
        castStrings: wantsCast(req.headers),
        ...(req.body?.parameters ? { parameters: req.body.parameters } : {}),
        ...(req.body?.tasks?.length ? { tasks: req.body.tasks, reset: req.body.reset ?? [] } : {}),
      });
      return reply.status(201).send(present(req, e));
    },
  );
}

/**
 * The `squall` CLI sends `key=value` strings with `X-Squall-Cast-Strings: true`, asking the server to
 * cast them to the declared types as chat input is; JSON callers get strict type checks.
 */
function wantsCast(headers: Record<string, string | string[] | undefined>): boolean {
  const v = headers['x-squall-cast-strings'];
  return (Array.isArray(v) ? v[0] : v)?.toLowerCase() === 'true';
}
