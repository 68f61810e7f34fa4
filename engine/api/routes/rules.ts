import type { FastifyInstance } from 'fastify';
import { SquallError } from '../../errors.js';
import type { Rule } from '../../model/rule.js';
import { buildRule, formatRuleProblems } from '../../rules/build-rule.js';
import { builtinTriggerType } from '../../triggers/builtin-trigger-types.js';
import { checkAgainstSchema } from '../../triggers/trigger-parameters.js';
import { keepMaskedSecret, maskRuleSecret } from '../../webhooks/webhook-secret.js';
import { pagingQuerySchema, resolvePaging, setPagingHeaders } from '../paging.js';
import { principalOf } from '../request-auth.js';
import type { RouteContext } from '../route-context.js';

interface ListQuery {
  pack?: string;
  name?: string;
  enabled?: boolean;
  trigger?: string;
  action?: string;
  user?: string;
  limit?: number;
  offset?: number;
}

const refParams = {
  type: 'object',
  required: ['ref_or_id'],
  properties: { ref_or_id: { type: 'string', description: 'Rule ref (pack.name) or id' } },
} as const;

const listQuery = {
  type: 'object',
  properties: {
    pack: { type: 'string' },
    name: { type: 'string' },
    enabled: { type: 'boolean' },
    trigger: { type: 'string', description: "The rule's trigger type ref (or trigger ref)" },
    action: { type: 'string', description: "The rule's action ref" },
    user: { type: 'string', description: 'context.user' },
    ...pagingQuerySchema,
  },
} as const;

const BOUNDS = { defaultLimit: 1000, maxLimit: 10_000 };

/** Builds a rule from an API body with the checks pack registration applies; server-owned fields are not input. */
function ruleFromBody(body: unknown, user: string, existing?: Rule): Rule {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SquallError('SQ_RULE_INVALID', 'The body must be a rule (a JSON object).');
  }
  // st2 clients GET, edit and PUT back: echoed id, ref, uid are accepted and ignored.
  const data = { ...(body as Record<string, unknown>) };
  for (const k of ['id', 'ref', 'uid', 'metadata_file']) delete data[k];
  if (existing && data.pack === undefined) data.pack = existing.pack;
  const { rule, problems } = buildRule(data);
  if (!rule) throw new SquallError('SQ_RULE_INVALID', `Invalid rule: ${formatRuleProblems(problems)}`);
  // StackStorm runs a rule's actions as the user who stored it unless the rule names one.
  rule.context = { ...rule.context, user: typeof rule.context?.user === 'string' ? rule.context.user : user };
  if (existing) {
    rule.id = existing.id;
    if (existing.metadata_file) rule.metadata_file = existing.metadata_file;
  }
  return keepMaskedSecret(rule, existing);
}

function matches(r: Rule, q: ListQuery): boolean {
  if (q.enabled !== undefined && r.enabled !== q.enabled) return false;
  if (q.trigger !== undefined && r.trigger.type !== q.trigger && r.trigger.ref !== q.trigger) return false;
  if (q.action !== undefined && r.action.ref !== q.action) return false;
  if (q.user !== undefined && r.context?.user !== q.user) return false;
  return true;
}

/** StackStorm's `/api/v1/rules` resource. */
export function ruleRoutes(app: FastifyInstance, { deps }: RouteContext): void {
  const { store, bus } = deps;

  async function find(refOrId: string): Promise<Rule> {
    const r = await store.rules.get(refOrId);
    if (!r) throw new SquallError('SQ_RULE_NOT_FOUND', `Rule "${refOrId}" does not exist.`);
    return r;
  }

  /** A pack's trigger type, when the store has it, checks the rule's trigger parameters (built-ins are checked by buildRule). */
  async function checkPackTrigger(rule: Rule): Promise<Rule> {
    if (builtinTriggerType(rule.trigger.type)) return rule;
    const type = await store.triggerTypes.get(rule.trigger.type);
    if (!type) return rule;
    const problems = checkAgainstSchema(type.parameters_schema, rule.trigger.parameters).map((p) => ({
      field: p.field ? `trigger.parameters.${p.field}` : 'trigger.parameters',
      problem: p.problem,
    }));
    if (problems.length) throw new SquallError('SQ_RULE_INVALID', `Invalid rule: ${formatRuleProblems(problems)}`);
    return rule;
  }

  /** Rules engines reload on this; a lost broadcast is caught up by their periodic reload. */
  async function changed(): Promise<void> {
    try {
      await bus.publish('rules.changed', { at: new Date().toISOString() });
    } catch (e) {
      deps.logger.warn('rules changed but the broadcast failed; engines pick it up on their next reload', {
        error: (e as Error).message,
      });
    }
  }

  app.get<{ Querystring: ListQuery }>(
    '/api/v1/rules',
    { config: { permission: 'rule:read' }, schema: { summary: 'List rules', tags: ['rules'], querystring: listQuery } },
    async (req, reply) => {
      const q = req.query;
      const paging = resolvePaging(q, BOUNDS);
      const filtered = q.enabled !== undefined || q.trigger || q.action || q.user;
      const base = { ...(q.pack ? { pack: q.pack } : {}), ...(q.name ? { name: q.name } : {}) };
      if (!filtered) {
        const page = await store.rules.list({ ...base, ...paging });
        setPagingHeaders(reply, page.total, paging);
        return page.items.map(maskRuleSecret);
      }
      // The other filters read the document; a deployment has thousands of rules, not millions.
      const all = (await store.rules.list(base)).items.filter((r) => matches(r, q));
      setPagingHeaders(reply, all.length, paging);
      return all.slice(paging.offset, paging.offset + paging.limit).map(maskRuleSecret);
    },
  );

  app.get<{ Params: { ref_or_id: string } }>(
    '/api/v1/rules/:ref_or_id',
    { config: { permission: 'rule:read' }, schema: { summary: 'Get a rule', tags: ['rules'], params: refParams } },
    async (req) => maskRuleSecret(await find(req.params.ref_or_id)),
  );

  app.post(
    '/api/v1/rules',
    { config: { permission: 'rule:write' }, schema: { summary: 'Create a rule', tags: ['rules'] } },
    async (req, reply) => {
      const rule = await checkPackTrigger(ruleFromBody(req.body, principalOf(req).user));
      if (await store.rules.get(rule.ref)) throw new SquallError('SQ_CONFLICT', `Rule "${rule.ref}" already exists.`);
      const saved = await store.rules.upsert(rule);
      await changed();
      return reply.status(201).send(maskRuleSecret(saved));
    },
  );

  app.put<{ Params: { ref_or_id: string } }>(
    '/api/v1/rules/:ref_or_id',
    {
      config: { permission: 'rule:write' },
      schema: { summary: 'Replace a rule', tags: ['rules'], params: refParams },
    },
    async (req) => {
      const existing = await find(req.params.ref_or_id);
      const rule = await checkPackTrigger(ruleFromBody(req.body, principalOf(req).user, existing));
      if (rule.ref !== existing.ref) {
        // Renaming moves the rule: its id stays, the old ref goes.
        if (await store.rules.get(rule.ref)) throw new SquallError('SQ_CONFLICT', `Rule "${rule.ref}" already exists.`);
        await store.rules.delete(existing.id);
      }
      const saved = await store.rules.upsert(rule);
      await changed();
      return maskRuleSecret(saved);
    },
  );

  app.delete<{ Params: { ref_or_id: string } }>(
    '/api/v1/rules/:ref_or_id',
    { config: { permission: 'rule:write' }, schema: { summary: 'Delete a rule', tags: ['rules'], params: refParams } },
    async (req, reply) => {
      const r = await find(req.params.ref_or_id);
      await store.rules.delete(r.id);
      await changed();
      return reply.status(204).send();
    },
  );
}
