import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import type { AuthService, Principal } from '../auth/auth-service.js';
import type { Permission } from '../auth/permissions.js';
import { SquallError } from '../errors.js';

/**
 * Each route's `config` says who may call it: `public: true` (no credentials) or the permission the
 * caller's roles must hold. Routes that say neither fail at start-up, so no route is left open by
 * omission.
 */
export interface RouteAuth {
  public?: boolean;
  permission?: Permission;
}

// Fastify's intended way to type route `config`: routes then declare `config: { permission }` checked.
declare module 'fastify' {
  interface FastifyContextConfig {
    public?: boolean;
    permission?: Permission;
  }
}

const principals = new WeakMap<FastifyRequest, Principal>();

/** The authenticated caller of a request (set by the auth hook before the handler runs). */
export function principalOf(req: FastifyRequest): Principal {
  const p = principals.get(req);
  if (!p) throw new SquallError('SQ_UNAUTHORIZED', 'Unauthorized - One of Token or API key required.');
  return p;
}

function routeAuth(route: RouteOptions): RouteAuth {
  const cfg = route.config as RouteAuth | undefined;
  return { public: cfg?.public === true, ...(cfg?.permission ? { permission: cfg.permission } : {}) };
}

/** Adds authentication (and the route's permission check) to every route registered after it. */
export function installAuth(app: FastifyInstance, auth: AuthService): void {
  app.addHook('onRoute', (route) => {
    const cfg = routeAuth(route);
    if (cfg.public) return;
    if (!cfg.permission) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares neither public nor a permission`);
    }
    const permission = cfg.permission;
    // Runs before the body is read, so an anonymous caller cannot make the server parse a large body.
    const hook: onRequestHookHandler = async (req) => {
      const principal = await auth.authenticate({ headers: req.headers, query: req.query });
      auth.assert(principal, permission);
      principals.set(req, principal);
    };
    const existing =
      route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [hook, ...existing];
  });
}
