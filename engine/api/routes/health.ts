import type { FastifyInstance } from 'fastify';
import { packageVersion } from '../../../lib/package-version.js';
import type { RouteContext } from '../route-context.js';

const busSchema = {
  type: 'object',
  properties: { status: { type: 'string' }, pending: { type: 'number' } },
} as const;

/**
 * `GET /health`: no credentials; answers 503 when the store cannot be reached. An unreachable broker
 * is `degraded`, still 200: the API keeps accepting work (stored, and queued once the broker is back).
 */
export function healthRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const started = Date.now();
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        summary: 'Liveness and store reachability',
        tags: ['health'],
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              version: { type: 'string' },
              uptime_s: { type: 'number' },
              bus: busSchema,
            },
          },
          503: {
            type: 'object',
            properties: {
              status: { type: 'string' },
              version: { type: 'string' },
              uptime_s: { type: 'number' },
              faultstring: { type: 'string' },
              code: { type: 'string' },
              bus: busSchema,
            },
          },
        },
      },
    },
    async (_req, reply) => {
      const bus = deps.bus.health?.() ?? { status: 'ok', pending: 0 };
      const base = { version: packageVersion(), uptime_s: Math.round((Date.now() - started) / 1000), bus };
      try {
        await deps.store.marks.get('squall:health');
      } catch (e) {
        deps.logger.warn('health check: store unreachable', { error: (e as Error).message });
        return reply.status(503).send({
          status: 'unavailable',
          ...base,
          faultstring: 'The store cannot be reached',
          code: 'SQ_STORE_UNAVAILABLE',
        });
      }
      return { status: bus.status === 'ok' ? 'ok' : 'degraded', ...base };
    },
  );
}
