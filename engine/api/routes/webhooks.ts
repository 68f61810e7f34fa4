import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthService } from '../../auth/auth-service.js';
import { resolveCredential } from '../../auth/resolve-credential.js';
import type { Bus } from '../../bus/bus.js';
import { SquallError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { JsonObject, JsonValue } from '../../model/json.js';
import type { TriggerInstance } from '../../model/trigger.js';
import type { Store } from '../../store/store.js';
import { builtinTriggerType } from '../../triggers/builtin-trigger-types.js';
import type { TriggerDispatcher } from '../../triggers/trigger-dispatcher.js';
import { checkTriggerPayload } from '../../triggers/trigger-parameters.js';
import {
  GENERIC_HOOK,
  normalizeHookUrl,
  WEBHOOK_TRIGGER,
  type Webhook,
  WebhookIndex,
} from '../../webhooks/webhook-index.js';
import { parseWebhookBody, webhookHeaders } from '../../webhooks/webhook-payload.js';
import { SIGNATURE_HEADER, signatureMatches } from '../../webhooks/webhook-signature.js';
import { excerpt } from '../http-errors.js';
import { pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';

export interface WebhookRouteDeps {
  store: Store;
  bus: Bus;
  auth: AuthService;
  triggers: TriggerDispatcher;
  logger: Logger;
  /** The largest body a webhook takes, in bytes (413 past it). */
  bodyLimit: number;
}

/** Headers a sender may give a delivery's unique id in (GitHub, Gitea/Gogs, generic). */
const DELIVERY_HEADERS = ['x-github-delivery', 'x-gitea-delivery', 'x-gogs-delivery', 'x-delivery-id'];

const UNAUTHORIZED =
  'Unauthorized - One of Token or API key required, or an X-Hub-Signature-256 signature made with the webhook secret.';

function headerOf(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s : undefined;
}

function hasCredentials(req: FastifyRequest): boolean {
  return resolveCredential({ headers: req.headers, query: req.query }).kind !== 'none';
}

/** A hook as `GET /api/v1/webhooks` shows it (StackStorm lists the triggers; secrets never appear). */
function presentHook(h: Webhook): JsonObject {
  return {
    url: h.url,
    type: WEBHOOK_TRIGGER,
    parameters: { url: h.url },
    rules: h.rules,
    signed: h.secrets.length > 0,
  };
}

function presentAccepted(instances: TriggerInstance[]): JsonObject {
  const first = instances[0] as TriggerInstance;
  return {
    id: first.id,
    trigger: first.trigger,
    trace_tag: first.trace_tag,
    occurrence_time: first.occurrence_time,
    status: first.status,
    trigger_instances: instances.map((i) => i.id),
  };
}

/**
 * StackStorm's `/api/v1/webhooks`: `POST /api/v1/webhooks/<url>` turns a request into a stored
 * trigger instance of `core.st2.webhook` for the rules registering `<url>` (202 once stored), and
 * `POST /api/v1/webhooks/st2` into an instance of any trigger. A caller authenticates with a token or
 * API key (`webhook:send`), or, for a URL whose rule gives `trigger.parameters.secret`, with GitHub's
 * `X-Hub-Signature-256` over the raw body; a signed delivery is accepted once (replays are 409).
 */
export async function webhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): Promise<void> {
  const index = new WebhookIndex(deps);
  app.addHook('onClose', async () => index.stop());

  app.get<{ Querystring: { limit?: number; offset?: number } }>(
    '/api/v1/webhooks',
    {
      config: { permission: 'webhook:read' },
      schema: {
        summary: 'List the registered webhooks',
        tags: ['webhooks'],
        querystring: { type: 'object', properties: { ...pagingQuerySchema } },
      },
    },
    async (req, reply) => {
      const paging = resolvePaging(req.query, { defaultLimit: 1000, maxLimit: 10_000 });
      const all = [
        { url: GENERIC_HOOK, type: 'st2', parameters: {}, rules: [], signed: false },
        ...(await index.list()).map(presentHook),
      ];
      setPagingHeaders(reply, all.length, paging);
      return all.slice(paging.offset, paging.offset + paging.limit);
    },
  );

  app.get<{ Params: { '*': string } }>(
    '/api/v1/webhooks/*',
    {
      config: { permission: 'webhook:read' },
      schema: { summary: 'Get a registered webhook', tags: ['webhooks'] },
    },
    async (req) => {
      const hook = await index.get(req.params['*']);
      if (!hook) throw new SquallError('SQ_NOT_FOUND', `Webhook ${excerpt(req.params['*'])} not registered with st2`);
      return presentHook(hook);
    },
  );

  // The body is read raw (the signature is over its bytes) in a scope of its own, so the rest of the
  // API keeps its JSON-only parser.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.bodyLimit }, (_req, body, done) =>
      done(null, body),
    );

    scope.post<{ Params: { '*': string } }>(
      '/api/v1/webhooks/*',
      {
        // Checked here rather than by the API's auth hook: a signed request carries no credentials.
        config: { public: true },
        bodyLimit: deps.bodyLimit,
        schema: {
          summary: 'Send a webhook',
          description: "Permission: `webhook:send`, or the webhook secret's X-Hub-Signature-256.",
          tags: ['webhooks'],
        },
        // Before the body is read: a caller with neither credentials nor a signature is refused at once.
        onRequest: async (req) => {
          if (hasCredentials(req)) {
            deps.auth.assert(await deps.auth.authenticate({ headers: req.headers, query: req.query }), 'webhook:send');
          } else if (!headerOf(req, SIGNATURE_HEADER)) {
            throw new SquallError('SQ_UNAUTHORIZED', UNAUTHORIZED);
          }
        },
      },
      async (req, reply) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : undefined;
        const name = normalizeHookUrl(req.params['*']);
        const signed = !hasCredentials(req);
        const traceTag = headerOf(req, 'st2-trace-tag') ?? `webhook-${name}-${randomUUID().replace(/-/g, '')}`;

        if (name === GENERIC_HOOK) {
          if (signed)
            throw new SquallError('SQ_UNAUTHORIZED', 'Unauthorized - the st2 webhook needs a token or API key.');
          const instance = await dispatchGeneric(deps, parseWebhookBody(raw, headerOf(req, 'content-type')), traceTag);
          return reply.status(202).send(presentAccepted([instance]));
        }

        const hook = await index.get(name);
        if (!hook) {
          // Without credentials, whether a URL exists is not told: a signature cannot match a hook that is not there.
          if (signed) throw new SquallError('SQ_UNAUTHORIZED', UNAUTHORIZED);
          throw new SquallError('SQ_NOT_FOUND', `Webhook ${excerpt(name)} not registered with st2`);
        }
        const signature = headerOf(req, SIGNATURE_HEADER);
        if (signed && !signatureMatches(raw ?? Buffer.alloc(0), signature, hook.secrets)) {
          throw new SquallError('SQ_UNAUTHORIZED', 'Unauthorized - the X-Hub-Signature-256 signature does not match.');
        }
        const body = parseWebhookBody(raw, headerOf(req, 'content-type'));
        if (body === null || typeof body !== 'object') {
          throw new SquallError('SQ_BAD_REQUEST', 'Webhook body needs to be an object or an array');
        }
        if (signed) {
          const delivery = DELIVERY_HEADERS.map((h) => headerOf(req, h)).find((v) => v !== undefined);
          // A signature only proves who made the body, not when: the same delivery is taken once.
          const key = `webhook:${name}:${delivery !== undefined ? `delivery:${delivery}` : `signature:${signature}`}`;
          if (!(await deps.store.dedup.claim(key))) {
            throw new SquallError(
              'SQ_WEBHOOK_REPLAYED',
              delivery !== undefined
                ? `Webhook delivery ${excerpt(delivery)} was already accepted`
                : 'This signed body was already accepted; a sender that repeats a body must send a delivery id (X-GitHub-Delivery)',
            );
          }
        }
        const payload: JsonObject = { ...webhookHeaders(req.raw.rawHeaders), body };
        const instances: TriggerInstance[] = [];
        for (const parameters of hook.triggers) {
          instances.push(
            await deps.triggers.dispatch({ trigger: WEBHOOK_TRIGGER, parameters, payload, trace_tag: traceTag }),
          );
        }
        return reply.status(202).send(presentAccepted(instances));
      },
    );
  });
}

/** The `st2` hook: `{trigger, payload}` becomes an instance of that trigger, its payload checked against the type. */
async function dispatchGeneric(deps: WebhookRouteDeps, body: JsonValue, traceTag: string): Promise<TriggerInstance> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new SquallError(
      'SQ_BAD_REQUEST',
      `Webhook body needs to be an object, got: ${Array.isArray(body) ? 'array' : body === null ? 'null' : typeof body}`,
    );
  }
  const trigger = body.trigger;
  if (typeof trigger !== 'string' || trigger === '') throw new SquallError('SQ_BAD_REQUEST', 'Trigger not specified.');
  const payload = body.payload ?? {};
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new SquallError('SQ_VALIDATION', 'payload: must be an object');
  }
  const type = builtinTriggerType(trigger) ?? (await deps.store.triggerTypes.get(trigger));
  if (!type) throw new SquallError('SQ_VALIDATION', `trigger: no trigger type "${excerpt(trigger)}"`);
  const problems = checkTriggerPayload(type, payload);
  if (problems.length > 0) {
    const text = problems.map((p) => (p.field ? `${p.field}: ${p.problem}` : p.problem)).join('; ');
    throw new SquallError('SQ_VALIDATION', `payload does not match ${trigger}'s payload schema: ${excerpt(text, 300)}`);
  }
  const parameters = body.parameters;
  return deps.triggers.dispatch({
    trigger,
    payload,
    trace_tag: typeof body.trace_tag === 'string' && body.trace_tag ? body.trace_tag : traceTag,
    ...(parameters && typeof parameters === 'object' && !Array.isArray(parameters) ? { parameters } : {}),
  });
}
