import type { FastifyInstance } from 'fastify';
import { packageVersion } from '../../../lib/package-version.js';
import { PROCESS_LIVE_MS } from '../../store/process-repo.js';
import type { RouteContext } from '../route-context.js';

/**
 * `GET /api/v1/status`: the deployment's live processes (a heartbeat in the last few seconds), with
 * their roles, version, the single-active roles each runs now, and the age of its last heartbeat.
 */
export function statusRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  app.get(
    '/api/v1/status',
    {
      config: { permission: 'status:read' },
      schema: { summary: "The deployment's live processes and their roles", tags: ['status'] },
    },
    async () => {
      const now = Date.now();
      const processes = await deps.store.processes.list({ since: new Date(now - PROCESS_LIVE_MS).toISOString() });
      const singletons: Record<string, string> = {};
      for (const p of processes) for (const r of p.active) singletons[r] = p.id;
      return {
        version: packageVersion(),
        processes: processes.map((p) => ({
          ...p,
          heartbeat_age_s: Math.max(0, Math.round((now - Date.parse(p.heartbeat_at)) / 100) / 10),
        })),
        singletons,
      };
    },
  );
}
