import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseCookies, serializeCookie } from '../../../lib/cookies.js';
import type { Principal } from '../../auth/auth-service.js';
import { PERMISSIONS, type Permission } from '../../auth/permissions.js';
import { SquallError } from '../../errors.js';
import { CSRF_COOKIE, principalOf, SESSION_COOKIE } from '../request-auth.js';
import type { RouteContext } from '../route-context.js';

interface SessionBody {
  username?: string;
  password?: string;
  api_key?: string;
  ttl?: number;
}

const sessionSchema = {
  type: 'object',
  properties: {
    user: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' } },
    permissions: { type: 'array', items: { type: 'string' } },
    expiry: { type: 'string' },
  },
} as const;

/**
 * The web UI's sign-in: a token like `POST /auth/v1/tokens` gives, but handed to the browser only as
 * an httpOnly, SameSite=Strict cookie, so page scripts never hold it; beside it a readable CSRF
 * cookie that the UI echoes in `X-CSRF-Token` on writes (see requestCredentials).
 */
export function sessionRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const { auth } = deps;

  const describe = (p: Principal, expiry: string | undefined) => ({
    user: p.user,
    roles: p.roles,
    permissions: (Object.keys(PERMISSIONS) as Permission[]).filter((perm) => auth.can(p, perm)),
    ...(expiry ? { expiry } : {}),
  });

  const setCookies = (req: FastifyRequest, reply: FastifyReply, token: string, maxAgeS: number) => {
    const secure = req.protocol === 'https';
    const csrf = randomBytes(24).toString('base64url');
    void reply.header('Set-Cookie', [
      serializeCookie(SESSION_COOKIE, token, { maxAgeS, httpOnly: true, secure }),
      serializeCookie(CSRF_COOKIE, csrf, { maxAgeS, httpOnly: false, secure }),
    ]);
  };

  app.post<{ Body: SessionBody }>(
    '/auth/v1/session',
    {
      // Public: it takes a password or an API key in its body, as the token route takes HTTP Basic.
      config: { public: true },
      schema: {
        summary: 'Sign a browser in: sets the session and CSRF cookies',
        tags: ['auth'],
        security: [],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            username: { type: 'string', maxLength: 200 },
            password: { type: 'string', maxLength: 1000 },
            api_key: { type: 'string', maxLength: 200 },
            ttl: { type: 'integer', description: 'Lifetime in seconds, at most the configured token_ttl.' },
          },
        },
        response: { 201: sessionSchema },
      },
    },
    async (req, reply) => {
      const { username, password, api_key: apiKey, ttl } = req.body;
      let user: string;
      if (apiKey !== undefined) {
        if (username !== undefined || password !== undefined) {
          throw new SquallError('SQ_BAD_REQUEST', 'Give either username and password or api_key, not both');
        }
        user = (await auth.authenticate({ headers: { 'st2-api-key': apiKey } })).user;
      } else {
        if (!username || password === undefined) {
          // No credentials at all is an authentication failure, as on POST /auth/v1/tokens.
          throw new SquallError('SQ_UNAUTHORIZED', 'Unauthorized - give username and password, or api_key');
        }
        const found = await auth.verifyPassword(username, password, { address: req.ip });
        if (!found) throw new SquallError('SQ_UNAUTHORIZED', 'Unauthorized - Invalid user name or password.');
        user = found.name;
      }
      const issued = await auth.issueToken(user, ttl, { via: 'web session' });
      const principal = await auth.authenticate({ headers: { 'x-auth-token': issued.token } });
      setCookies(req, reply, issued.token, (Date.parse(issued.expiry) - Date.now()) / 1000);
      return reply.status(201).send(describe(principal, issued.expiry));
    },
  );

  app.get(
    '/auth/v1/session',
    {
      config: { permission: 'self:read' },
      schema: { summary: "The signed-in caller, their roles, permissions and session's expiry", tags: ['auth'] },
    },
    async (req) => {
      const p = principalOf(req);
      return describe(p, p.expiry);
    },
  );

  app.delete(
    '/auth/v1/session',
    {
      // Public so that a browser whose token already expired can still clear its cookies.
      config: { public: true },
      schema: { summary: 'Sign a browser out: revokes the session token, clears the cookies', tags: ['auth'] },
    },
    async (req, reply) => {
      const token = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
      if (token) await auth.revokeToken(token);
      const secure = req.protocol === 'https';
      void reply.header('Set-Cookie', [
        serializeCookie(SESSION_COOKIE, '', { maxAgeS: 0, httpOnly: true, secure }),
        serializeCookie(CSRF_COOKIE, '', { maxAgeS: 0, httpOnly: false, secure }),
      ]);
      return reply.status(204).send();
    },
  );
}
