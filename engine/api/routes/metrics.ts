import type { FastifyInstance } from 'fastify';
import { metricsText } from '../../metrics/metrics.js';
import { refreshQueueGauges } from '../../metrics/queue-gauges.js';
import type { RouteContext } from '../route-context.js';

/**
 * `GET /metrics`: Prometheus' text format. It needs credentials like the API unless
 * `metrics.public: true` (a scraper on a trusted network); it shows counts, never names of users or
 * parameter values.
 */
export function metricsRoutes(app: FastifyInstance, { deps, opts }: RouteContext): void {
  app.get(
    '/metrics',
    {
      config: opts.metricsPublic ? { public: true } : { permission: 'metrics:read' },
      schema: { summary: 'Prometheus metrics of this process', tags: ['health'] },
    },
    async (_req, reply) => {
      try {
        await refreshQueueGauges(deps.store);
      } catch (e) {
        // The rest is still worth scraping; squall_store_errors_total says the store is in trouble.
        deps.logger.warn('metrics: queue gauges not refreshed', { error: (e as Error).message });
      }
      const { contentType, body } = await metricsText();
      return reply.header('Content-Type', contentType).send(body);
    },
  );
}
