import type { FastifyInstance } from 'fastify';
import { SquallError } from '../../errors.js';
import { buildTrace, recentTraceTags, traceByTag, traceOfExecution, traceOfId } from '../../traces/traces.js';
import { excerpt } from '../http-errors.js';
import { pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';
import type { RouteContext } from '../route-context.js';

interface ListQuery {
  trace_tag?: string;
  execution?: string;
  limit?: number;
  offset?: number;
}

const BOUNDS = { defaultLimit: 50, maxLimit: 100 };

/**
 * StackStorm's `/api/v1/traces`: what one event set in motion (trigger instances, the rules that
 * matched, the executions they started and their children), by trace tag, by an execution in it, or
 * the most recent ones.
 */
export function traceRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const { store } = deps;

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/traces',
    {
      config: { permission: 'trace:read' },
      schema: {
        summary: 'List traces',
        tags: ['traces'],
        querystring: {
          type: 'object',
          properties: {
            trace_tag: { type: 'string' },
            execution: { type: 'string', description: 'An execution in the trace' },
            ...pagingQuerySchema,
          },
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const paging = resolvePaging(q, BOUNDS);
      if (q.trace_tag !== undefined || q.execution !== undefined) {
        const trace =
          q.trace_tag !== undefined
            ? await traceByTag(store, q.trace_tag)
            : await traceOfExecution(store, q.execution as string);
        const found = trace ? [trace] : [];
        setPagingHeaders(reply, found.length, paging);
        return found.slice(paging.offset, paging.offset + paging.limit);
      }
      const tags = await recentTraceTags(store);
      setPagingHeaders(reply, tags.length, paging);
      const out = [];
      for (const tag of tags.slice(paging.offset, paging.offset + paging.limit)) {
        const t = await buildTrace(store, tag);
        if (t) out.push(t);
      }
      return out;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/traces/:id',
    {
      config: { permission: 'trace:read' },
      schema: {
        summary: 'Get a trace by id (its first trigger instance, or an execution in it)',
        tags: ['traces'],
        params: { type: 'object', properties: { id: { type: 'string' } } },
      },
    },
    async (req) => {
      const trace = await traceOfId(store, req.params.id);
      if (!trace) throw new SquallError('SQ_NOT_FOUND', `Trace "${excerpt(req.params.id)}" does not exist.`);
      return trace;
    },
  );
}
