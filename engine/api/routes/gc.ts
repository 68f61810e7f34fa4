import type { FastifyInstance } from 'fastify';
import type { GarbageCollector } from '../../gc/garbage-collector.js';
import type { Logger } from '../../logger.js';
import { principalOf } from '../request-auth.js';

/**
 * `POST /api/v1/gc`: runs the garbage collector now with the configured retention (`gc:` in
 * squall.yaml), or with `{"dry_run": true}` reports what it would delete and deletes nothing. The
 * `gc` role runs the same collector periodically; both may run at once, every delete is conditional.
 */
export function gcRoutes(app: FastifyInstance, deps: { collector: GarbageCollector; logger: Logger }): void {
  app.post<{ Body: { dry_run?: boolean } | undefined }>(
    '/api/v1/gc',
    {
      config: { permission: 'gc:run' },
      schema: {
        summary: 'Run garbage collection now (or report what it would delete)',
        tags: ['gc'],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { dry_run: { type: 'boolean', description: 'Count what would be deleted; delete nothing' } },
        },
      },
    },
    async (req) => {
      const dryRun = req.body?.dry_run === true;
      const report = await deps.collector.run({ dryRun });
      if (!dryRun) {
        deps.logger.info('garbage collection run on request', {
          component: 'api',
          by: principalOf(req).user,
          deleted: report.total,
        });
      }
      return report;
    },
  );
}
