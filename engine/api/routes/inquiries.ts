import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../auth/auth-service.js';
import { SquallError } from '../../errors.js';
import type { InquiryService } from '../../inquiries/inquiry-service.js';
import type { Inquiry } from '../../model/inquiry.js';
import type { JsonObject } from '../../model/json.js';
import { excerpt } from '../http-errors.js';
import { type PagingQuery, pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';
import { principalOf } from '../request-auth.js';

const BOUNDS = { defaultLimit: 50, maxLimit: 100 };

/** StackStorm's InquiryResponseAPI fields, plus where it stands and who answered. */
export function presentInquiry(i: Inquiry): JsonObject {
  return {
    id: i.id,
    route: i.route,
    ttl: i.ttl,
    users: i.users,
    roles: i.roles,
    schema: i.schema,
    status: i.status,
    ...(i.parent === undefined ? {} : { parent: i.parent }),
    created_at: i.created_at,
    ...(i.expires_at === undefined ? {} : { expires_at: i.expires_at }),
    ...(i.response === undefined ? {} : { response: i.response }),
    ...(i.responded_by === undefined ? {} : { responded_by: i.responded_by }),
    ...(i.responded_at === undefined ? {} : { responded_at: i.responded_at }),
  };
}

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 200 } }, required: ['id'] } as const;

/**
 * StackStorm's `/api/v1/inquiries`: list the questions waiting for an answer, read one, and answer
 * it with `PUT {"id": ..., "response": {...}}` (the answer is checked by the inquiry service).
 */
export function inquiryRoutes(app: FastifyInstance, deps: { inquiries: InquiryService; auth: AuthService }): void {
  const { inquiries, auth } = deps;

  app.get<{ Querystring: PagingQuery }>(
    '/api/v1/inquiries',
    {
      config: { permission: 'inquiry:read' },
      schema: {
        summary: 'List inquiries waiting for a response',
        tags: ['inquiries'],
        querystring: { type: 'object', properties: { ...pagingQuerySchema } },
      },
    },
    async (req, reply) => {
      const paging = resolvePaging(req.query, BOUNDS);
      const page = await inquiries.list(paging);
      setPagingHeaders(reply, page.total, paging);
      return page.items.map(presentInquiry);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/inquiries/:id',
    {
      config: { permission: 'inquiry:read' },
      schema: { summary: 'Get an inquiry', tags: ['inquiries'], params: idParams },
    },
    async (req) => presentInquiry(await inquiries.get(req.params.id)),
  );

  app.put<{ Params: { id: string }; Body: { id?: string; response?: unknown } }>(
    '/api/v1/inquiries/:id',
    {
      config: { permission: 'inquiry:read' },
      schema: {
        summary: 'Respond to an inquiry',
        description:
          "The response must match the inquiry's schema; the caller must be allowed by its users and roles and hold `inquiry:respond` (or be named in its users).",
        tags: ['inquiries'],
        params: idParams,
        body: {
          type: 'object',
          properties: { id: { type: 'string' }, response: { type: 'object' } },
          required: ['response'],
        },
      },
    },
    async (req) => {
      const { id } = req.params;
      if (req.body.id !== undefined && req.body.id !== id) {
        throw new SquallError(
          'SQ_VALIDATION',
          `The body's id "${excerpt(req.body.id)}" is not the inquiry in the URL ("${excerpt(id)}").`,
        );
      }
      const p = principalOf(req);
      const answered = await inquiries.respond(id, req.body.response, {
        user: p.user,
        roles: p.roles,
        permitted: auth.can(p, 'inquiry:respond'),
      });
      return { id, response: answered.response ?? {} };
    },
  );
}
