import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { packageVersion } from '../../lib/package-version.js';
import { isId } from '../ids.js';
import { type ApiDeps, type ApiOptions, resolveApiOptions } from './api-deps.js';
import { clientErrorHandler } from './client-errors.js';
import { excerpt, toHttpError } from './http-errors.js';
import { installJsonBodyParser } from './json-body.js';
import { trackRouteMethods } from './method-not-allowed.js';
import { installAuth, type RouteAuth } from './request-auth.js';
import type { RouteContext } from './route-context.js';
import { actionRoutes } from './routes/actions.js';
import { apiKeyRoutes } from './routes/apikeys.js';
import { executionRoutes } from './routes/executions.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { openApiRoutes } from './routes/openapi.js';
import { packRoutes } from './routes/packs.js';
import { policyRoutes } from './routes/policies.js';
import { ruleEnforcementRoutes } from './routes/rule-enforcements.js';
import { ruleRoutes } from './routes/rules.js';
import { runnerTypeRoutes } from './routes/runnertypes.js';
import { sensorTypeRoutes } from './routes/sensor-types.js';
import { sessionRoutes } from './routes/session.js';
import { statusRoutes } from './routes/status.js';
import { tokenRoutes } from './routes/tokens.js';
import { traceRoutes } from './routes/traces.js';
import { triggerInstanceRoutes } from './routes/trigger-instances.js';
import { triggerRoutes } from './routes/triggers.js';
import { userRoutes } from './routes/users.js';
import { installSchemaValidators } from './schema-validators.js';

/**
 * The request path as logs may show it: without the query string (it may carry `x-auth-token` or
 * `st2-api-key`), and with an API key given in place of its id (`/api/v1/apikeys/{id_or_key}`) masked.
 */
export function loggablePath(url: string): string {
  const path = url.split('?')[0] ?? '/';
  return path.replace(/(\/apikeys\/)([^/]+)/, (whole, head: string, idOrKey: string) =>
    isId(idOrKey) ? whole : `${head}********`,
  );
}

/**
 * Builds Squall's REST API (StackStorm's `/api/v1` and `/auth/v1` resources) without listening:
 * the server module listens, tests call `app.inject()`.
 *
 * @example
 * const app = buildApi(deps, { publicUrl: 'https://squall.example.com' });
 * await app.listen({ port: 9101 });
 */
export function buildApi(deps: ApiDeps, options: ApiOptions = {}): FastifyInstance {
  const opts = resolveApiOptions(options);
  const log = deps.logger.child({ component: 'api' });
  const app = Fastify({
    logger: false,
    bodyLimit: opts.bodyLimit,
    trustProxy: options.trustProxy ?? false,
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    clientErrorHandler,
    // Router errors (bad percent-encoding, an over-long path parameter) go to the error handler, so
    // they answer {faultstring, code} like every other error.
    frameworkErrors: (err, req, reply) => {
      const r = toHttpError(err, { requestId: req.id, bodyLimit: opts.bodyLimit });
      void (reply as FastifyReply).status(r.status).send(r.body);
    },
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
  });

  installSchemaValidators(app);
  installJsonBodyParser(app);
  installAuth(app, deps.auth);
  const allowedMethods = trackRouteMethods(app);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-Request-ID', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    log.debug('request', {
      method: req.method,
      path: loggablePath(req.url),
      status: reply.statusCode,
      requestId: req.id,
    });
  });

  app.setErrorHandler((err, req, reply) => {
    const r = toHttpError(err, { requestId: req.id, bodyLimit: opts.bodyLimit });
    if (r.internal) {
      const e = err instanceof Error ? err : new Error(String(err));
      log.error('request failed', {
        method: req.method,
        path: loggablePath(req.url),
        requestId: req.id,
        error: e.message,
        stack: e.stack,
      });
    }
    if (r.retryAfterS !== undefined) void reply.header('Retry-After', String(r.retryAfterS));
    void reply.status(r.status).send(r.body);
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const allow = allowedMethods(req.method, path);
    if (allow.length > 0) {
      void reply
        .status(405)
        .header('Allow', allow.join(', '))
        .send({
          faultstring: `Method ${req.method} is not allowed on ${excerpt(path)}; use ${allow.join(', ')}`,
          code: 'SQ_METHOD_NOT_ALLOWED',
        });
      return;
    }
    void reply.status(404).send({ faultstring: `No such route: ${req.method} ${excerpt(path)}`, code: 'SQ_NOT_FOUND' });
  });

  // Applied directly rather than through register(): the plugin's onRoute hook must be in place before
  // any route exists, including routes the server adds right after buildApi returns (chat, stream).
  swagger(
    app,
    {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Squall API',
          version: packageVersion(),
          description: 'StackStorm-compatible REST API. Errors answer {faultstring, code}; see docs/api.md.',
        },
        components: {
          securitySchemes: {
            token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
            apiKey: { type: 'apiKey', in: 'header', name: 'St2-Api-Key' },
            basic: { type: 'http', scheme: 'basic' },
          },
        },
        security: [{ token: [] }, { apiKey: [] }],
      },
      transform: ({ schema, url, route }) => {
        const auth = (route.config ?? {}) as RouteAuth;
        const base = (schema ?? {}) as Record<string, unknown>;
        const described = auth.public
          ? { ...base, security: base.security ?? [] }
          : { ...base, description: `${String(base.description ?? '')} Permission: \`${auth.permission}\`.`.trim() };
        return { schema: described as typeof schema, url };
      },
    },
    (err) => {
      if (err) throw err;
    },
  );

  const ctx: RouteContext = { deps, opts };
  healthRoutes(app, ctx);
  metricsRoutes(app, ctx);
  openApiRoutes(app);
  tokenRoutes(app, ctx);
  sessionRoutes(app, ctx);
  traceRoutes(app, ctx);
  actionRoutes(app, ctx);
  runnerTypeRoutes(app, ctx);
  executionRoutes(app, ctx);
  packRoutes(app, ctx);
  ruleRoutes(app, ctx);
  policyRoutes(app, ctx);
  ruleEnforcementRoutes(app, ctx);
  triggerRoutes(app, ctx);
  sensorTypeRoutes(app, ctx);
  triggerInstanceRoutes(app, ctx);
  apiKeyRoutes(app, ctx);
  userRoutes(app, ctx);
  statusRoutes(app, ctx);
  return app;
}
