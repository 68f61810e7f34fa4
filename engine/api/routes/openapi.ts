import type { FastifyInstance } from 'fastify';

/**
 * `GET /api/v1/openapi.json`: public, because it describes shapes and permissions, never data, and
 * tools (code generators, API explorers) fetch it before they have credentials.
 */
export function openApiRoutes(app: FastifyInstance): void {
  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
}
