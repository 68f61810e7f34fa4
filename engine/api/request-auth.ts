import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import { parseCookies } from '../../lib/cookies.js';
import type { AuthService, CredentialSource, Principal } from '../auth/auth-service.js';
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

/** The web UI's session: an httpOnly cookie holding a token, and the double-submit CSRF cookie beside it. */
export const SESSION_COOKIE = 'squall_session';
export const CSRF_COOKIE = 'squall_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function hasExplicitCredential(req: FastifyRequest): boolean {
  const h = req.headers;
  const q = (req.query ?? {}) as Record<string, unknown>;
  return (
    h['x-auth-token'] !== undefined ||
    h['st2-api-key'] !== undefined ||
    q['x-auth-token'] !== undefined ||
    q['st2-api-key'] !== undefined
  );
}

/**
 * The credentials a request carries: its headers and query, or else the session cookie as its token.
 * A browser sends the cookie on its own, so a change made with it must also prove the page read the
 * CSRF cookie (a cross-site page cannot): the `X-CSRF-Token` header must equal it.
 */
export function requestCredentials(req: FastifyRequest): CredentialSource {
  if (hasExplicitCredential(req)) return { headers: req.headers, query: req.query };
  const cookies = parseCookies(req.headers.cookie);
  const session = cookies.get(SESSION_COOKIE);
  if (!session) return { headers: req.headers, query: req.query };
  if (!SAFE_METHODS.has(req.method)) {
    const sent = req.headers[CSRF_HEADER];
    const expected = cookies.get(CSRF_COOKIE);
    if (typeof sent !== 'string' || !expected || !sameSecret(sent, expected)) {
      throw new SquallError(
        'SQ_FORBIDDEN',
        `A ${req.method} with the session cookie needs the ${CSRF_COOKIE} cookie's value in the X-CSRF-Token header`,
      );
    }
  }
  return { headers: { ...req.headers, 'x-auth-token': session } };
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
      const principal = await auth.authenticate(requestCredentials(req));
      auth.assert(principal, permission);
      principals.set(req, principal);
    };
    const existing =
      route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [hook, ...existing];
  });
}
