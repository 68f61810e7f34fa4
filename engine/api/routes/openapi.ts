import type { FastifyInstance } from 'fastify';

/**
 * `GET /api/v1/openapi.json`: any authenticated caller. Only `/health` (and the token endpoints,
 * which take credentials of their own) answer without credentials.
 */
export function openApiRoutes(app: FastifyInstance): void {
  app.get('/api/v1/openapi.json', { config: { permission: 'self:read' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
