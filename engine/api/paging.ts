import type { FastifyReply } from 'fastify';
import { SquallError } from '../errors.js';

/**
 * The largest `limit`/`offset` a query string may carry. Beyond it a number is refused (400) rather
 * than handed to the store, which cannot bind `1e20` or `Infinity`.
 */
export const MAX_PAGING_VALUE = 2_147_483_647;

/** JSON schema for `limit`/`offset` query parameters (StackStorm's names); every list route uses it. */
export const pagingQuerySchema = {
  limit: {
    type: 'integer',
    minimum: -1,
    maximum: MAX_PAGING_VALUE,
    description: "Page size; -1 or more than the route's maximum means the maximum.",
  },
  offset: { type: 'integer', minimum: 0, maximum: MAX_PAGING_VALUE, description: 'Items to skip.' },
} as const;

/** The `limit`/`offset` query parameters as a route receives them. */
export interface PagingQuery {
  limit?: number;
  offset?: number;
}

export interface Paging {
  limit: number;
  offset: number;
}

/**
 * Resolves `limit`/`offset`. `-1` (what hubot and st2 clients send for "everything") and anything
 * above the maximum mean the maximum, so one request can never ask for an unbounded page.
 */
export function resolvePaging(
  q: { limit?: number; offset?: number },
  bounds: { defaultLimit: number; maxLimit: number },
): Paging {
  const raw = q.limit ?? bounds.defaultLimit;
  if (raw < -1 || raw === 0) {
    throw new SquallError(
      'SQ_VALIDATION',
      `Invalid query parameter 'limit': must be a positive integer or -1, got ${raw}`,
    );
  }
  const limit = raw === -1 ? bounds.maxLimit : Math.min(raw, bounds.maxLimit);
  return { limit, offset: q.offset ?? 0 };
}

/** Sets StackStorm's paging headers, which st2client reads (`X-Total-Count`, `X-Limit`). */
export function setPagingHeaders(reply: FastifyReply, total: number, paging: Paging): void {
  reply.header('X-Total-Count', String(total));
  reply.header('X-Limit', String(paging.limit));
}

/** Page bounds of the lists a route holds whole in memory (runner types, users, API keys). */
const WHOLE_LIST_BOUNDS = { defaultLimit: 1000, maxLimit: 1000 };

/**
 * Pages a list the route holds whole in memory (runner types, users, API keys) as the stored lists
 * are paged: `limit`/`offset` applied and the same headers set, so a client pages every list alike.
 */
export function pageOfList<T>(reply: FastifyReply, items: readonly T[], q: { limit?: number; offset?: number }): T[] {
  const paging = resolvePaging(q, WHOLE_LIST_BOUNDS);
  setPagingHeaders(reply, items.length, paging);
  return items.slice(paging.offset, paging.offset + paging.limit);
}
