import type { FastifyInstance } from 'fastify';
import { extractParameters } from '../../../aliases/extract.js';
import type { AliasMatch } from '../../../aliases/matcher.js';
import { type AliasPlace, assertAliasAllowed, matchAllowed } from '../../aliases/alias-access.js';
import { type AliasRunResult, runAlias } from '../../aliases/alias-execution.js';
import { SquallError } from '../../errors.js';
import type { ActionAlias, AliasFormat } from '../../model/alias.js';
import type { AliasApiDeps } from '../alias-api-deps.js';
import { principalOf } from '../request-auth.js';

/** The representations of an alias (what is matched) with the display each belongs to. */
function representations(alias: ActionAlias): { representation: string; display: string }[] {
  return alias.formats.flatMap((f: AliasFormat) => {
    if (typeof f === 'string') return [{ representation: f, display: f }];
    const reps =
      f.representation === undefined ? [] : Array.isArray(f.representation) ? f.representation : [f.representation];
    return reps.map((r) => ({ representation: r, display: f.display ?? r }));
  });
}

const aliasExecutionBody = {
  type: 'object',
  required: ['name', 'format', 'command', 'source_channel'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    format: { type: 'string' },
    command: { type: 'string' },
    user: { type: 'string' },
    source_channel: { type: 'string' },
    source_context: { type: 'object' },
    notification_channel: { type: 'string' },
    notification_route: { type: 'string' },
  },
} as const;

/** StackStorm's AliasMatchAndExecuteInputAPI: the alias execution body without `name`, `format`, `source_context`. */
const { name: _name, format: _format, source_context: _context, ...matchProps } = aliasExecutionBody.properties;
const matchAndExecuteBody = {
  type: 'object',
  required: ['command', 'source_channel'],
  additionalProperties: false,
  properties: matchProps,
} as const;

interface AliasExecutionBody {
  name: string;
  format: string;
  command: string;
  user?: string;
  source_channel: string;
  notification_route?: string;
  notification_channel?: string;
}

/**
 * Where an API caller runs an alias: its `source_channel`, as the chat router uses the message's
 * channel, so an alias's `channels` bind here too. The API has no direct messages; a caller that
 * means one names the channel `dm`.
 */
function placeOf(b: { source_channel: string }): AliasPlace {
  return { channel: b.source_channel, direct: false };
}

/** StackStorm's `/api/v1/aliasexecution` resource. The execution runs as the authenticated caller. */
export async function aliasExecutionRoutes(app: FastifyInstance, deps: AliasApiDeps): Promise<void> {
  const { store, catalog } = deps;
  const runDeps = {
    executions: deps.executions,
    logger: deps.logger,
    present: deps.present,
    ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
  };
  const answer = (r: AliasRunResult) => ({
    execution: deps.present(r.execution),
    actionalias: r.match.alias,
    ...(r.ack !== undefined ? { message: r.ack } : {}),
  });

  app.post<{ Body: AliasExecutionBody }>(
    '/api/v1/aliasexecution',
    { config: { permission: 'execution:run' }, schema: { body: aliasExecutionBody } },
    async (req, reply) => {
      const b = req.body;
      const byRef = b.name.includes('.') ? await store.aliases.get(b.name) : undefined;
      const alias = byRef ?? catalog.aliases.find((a) => a.name === b.name);
      if (!alias) throw new SquallError('SQ_ALIAS_NOT_FOUND', `Unable to identify action alias with name "${b.name}".`);
      if (!alias.enabled) throw new SquallError('SQ_ALIAS_DISABLED', `Action alias with name "${b.name}" is disabled.`);
      const rep = representations(alias).find((r) => r.representation === b.format);
      if (!rep)
        throw new SquallError(
          'SQ_BAD_REQUEST',
          `Format string "${b.format}" is not available on the alias "${alias.name}".`,
        );
      const extracted = extractParameters(b.format, b.command);
      if (!extracted.ok) throw new SquallError('SQ_ALIAS_NO_MATCH', extracted.reason);
      const p = principalOf(req);
      assertAliasAllowed(alias, p, placeOf(b), rep.display);
      const match: AliasMatch = { alias, ...rep, parameters: extracted.parameters, score: extracted.score };
      const route = b.notification_route ?? b.notification_channel;
      const r = await runAlias(runDeps, {
        match,
        user: p.user,
        requestedBy: p,
        ...(b.user ? { chatUser: b.user } : {}),
        sourceChannel: b.source_channel,
        ...(route ? { route } : {}),
      });
      return reply.status(201).send(answer(r));
    },
  );

  app.post<{ Body: Omit<AliasExecutionBody, 'name' | 'format'> }>(
    '/api/v1/aliasexecution/match_and_execute',
    { config: { permission: 'execution:run' }, schema: { body: matchAndExecuteBody } },
    async (req, reply) => {
      const b = req.body;
      const p = principalOf(req);
      const outcome = matchAllowed(catalog.matcher, b.command, p, placeOf(b));
      if (outcome.kind === 'none') throw new SquallError('SQ_ALIAS_NO_MATCH', outcome.message);
      if (outcome.kind === 'ambiguous') throw new SquallError('SQ_ALIAS_AMBIGUOUS', outcome.message);
      const route = b.notification_route ?? b.notification_channel;
      const results = [];
      for (const match of outcome.matches) {
        const r = await runAlias(runDeps, {
          match,
          user: p.user,
          requestedBy: p,
          ...(b.user ? { chatUser: b.user } : {}),
          sourceChannel: b.source_channel,
          ...(route ? { route } : {}),
        });
        results.push(answer(r));
      }
      return reply.status(201).send({ results });
    },
  );
}
