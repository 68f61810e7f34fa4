import type { FastifyInstance } from 'fastify';
import { SquallError } from '../../errors.js';
import type { RouteContext } from '../route-context.js';

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

const tokenSchema = {
  type: 'object',
  properties: {
    user: { type: 'string' },
    token: { type: 'string' },
    expiry: { type: 'string' },
    metadata: { type: 'object', additionalProperties: true },
  },
} as const;

/**
 * StackStorm's auth service, under `/auth/v1` as st2 serves it (st2client posts to
 * `<auth url>/tokens`, so clients are configured with `auth: 'http://host:port/auth/v1'`).
 */
export function tokenRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const { auth } = deps;

  app.post<{ Body: { ttl?: number } | undefined }>(
    '/auth/v1/tokens',
    {
      // Public: it authenticates with HTTP Basic itself, which no other route accepts.
      config: { public: true },
      schema: {
        summary: 'Get a token with HTTP Basic credentials',
        tags: ['auth'],
        security: [{ basic: [] }],
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            ttl: { type: 'integer', description: 'Lifetime in seconds, at most the configured token_ttl.' },
          },
        },
        response: { 201: tokenSchema },
      },
    },
    async (req, reply) => {
      const basic = basicCredentials(req.headers.authorization);
      if (!basic) {
        void reply.header('WWW-Authenticate', 'Basic realm="Squall"');
        throw new SquallError(
          'SQ_UNAUTHORIZED',
          'Unauthorized - HTTP Basic credentials (user and password) are required.',
        );
      }
      const user = await auth.verifyPassword(basic.user, basic.password, { address: req.ip });
      if (!user) throw new SquallError('SQ_UNAUTHORIZED', 'Unauthorized - Invalid user name or password.');
      const token = await auth.issueToken(user.name, req.body?.ttl ?? undefined);
      return reply.status(201).send(token);
    },
  );

  app.post<{ Body: { token: string } }>(
    '/auth/v1/tokens/validate',
    {
      config: { public: true },
      schema: {
        summary: 'Check whether a token is valid',
        tags: ['auth'],
        body: {
          type: 'object',
          required: ['token'],
          additionalProperties: false,
          properties: { token: { type: 'string' } },
        },
        response: { 200: { type: 'object', properties: { valid: { type: 'boolean' } } } },
      },
    },
    async (req) => {
      try {
        const p = await auth.authenticate({ headers: { 'x-auth-token': req.body.token } });
        return { valid: p.via === 'token' };
      } catch (e) {
        if (e instanceof SquallError && e.code === 'SQ_UNAUTHORIZED') return { valid: false };
        throw e;
      }
    },
  );
}
