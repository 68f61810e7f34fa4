import type { AliasMatch } from '../../aliases/matcher.js';
import type { ActionRequester } from '../auth/action-policy.js';
import { SquallError } from '../errors.js';
import type { ExecutionService } from '../executions/execution-service.js';
import type { Logger } from '../logger.js';
import type { ActionAlias } from '../model/alias.js';
import type { ChatContext, Execution } from '../model/execution.js';
import type { JsonObject } from '../model/json.js';
import { renderDeep, renderTemplate } from '../templates/templates.js';

export interface AliasRunRequest {
  match: AliasMatch;
  /** Squall user the execution runs as. */
  user: string;
  /** The chat user as the platform knows them (StackStorm's `api_user`). */
  chatUser?: string;
  sourceChannel?: string;
  chat?: ChatContext;
  /** Notification route for the result; absent means no chat notification. */
  route?: string;
  /** Who asks (the chat user after identity mapping, or the API caller): checked against the role's action rules. */
  requestedBy: ActionRequester;
}

export interface AliasRunResult {
  match: AliasMatch;
  execution: Execution;
  /** The rendered ack text, or undefined when the alias disables its ack. */
  ack: string | undefined;
  /** Set when the ack template failed: the user gets a plain line, the operator a log entry. */
  ackError?: string;
}

export interface AliasRunDeps {
  executions: ExecutionService;
  logger: Logger;
  present: (e: Execution) => JsonObject;
  /** Base URL for "details at" links. */
  publicUrl?: string;
}

/**
 * Renders the alias's `immutable_parameters` (operator-written templates, so they may be rendered)
 * and merges them over the extracted ones. Values typed in chat are never rendered.
 */
export function withImmutableParameters(
  alias: ActionAlias,
  extracted: Record<string, string>,
  ctx: { user: string; chatUser?: string; sourceChannel?: string },
): Record<string, unknown> {
  const immutable = alias.immutable_parameters ?? {};
  const overridden = Object.keys(immutable).filter((k) => k in extracted);
  if (overridden.length > 0) {
    throw new SquallError('SQ_PARAMETER_INVALID', `Immutable arguments cannot be overridden: ${overridden.join(', ')}`);
  }
  const rendered = renderDeep(immutable, {
    action_context: { user: ctx.user, api_user: ctx.chatUser, source_channel: ctx.sourceChannel },
    user: ctx.user,
    api_user: ctx.chatUser,
    source_channel: ctx.sourceChannel,
  }) as Record<string, unknown>;
  return { ...extracted, ...rendered };
}

export function defaultAck(e: Execution): string {
  return `On it: ${e.action.ref}, execution ${e.id}.`;
}

/** Creates the execution for one alias match and renders its ack. */
export async function runAlias(deps: AliasRunDeps, req: AliasRunRequest): Promise<AliasRunResult> {
  const { alias } = req.match;
  const parameters = withImmutableParameters(alias, req.match.parameters, {
    user: req.user,
    ...(req.chatUser !== undefined ? { chatUser: req.chatUser } : {}),
    ...(req.sourceChannel !== undefined ? { sourceChannel: req.sourceChannel } : {}),
  });
  const execution = await deps.executions.request({
    action: alias.action_ref,
    parameters,
    castStrings: true,
    chatKeys: Object.keys(req.match.parameters),
    context: {
      user: req.user,
      ...(req.chatUser !== undefined ? { api_user: req.chatUser } : {}),
      ...(req.sourceChannel !== undefined ? { source_channel: req.sourceChannel } : {}),
      action_alias_ref: { id: alias.id, name: alias.name },
      ...(req.chat ? { chat: { ...req.chat, alias_ref: alias.ref } } : {}),
    },
    ...(req.route ? { notify: { 'on-complete': { routes: [req.route] } } } : {}),
    requestedBy: req.requestedBy,
  });
  if (alias.ack?.enabled === false) return { match: req.match, execution, ack: undefined };
  let ack = defaultAck(execution);
  let ackError: string | undefined;
  if (alias.ack?.format) {
    try {
      ack = renderTemplate(
        alias.ack.format,
        { execution: deps.present(execution), actionalias: alias },
        { strict: true },
      );
    } catch (e) {
      ackError = (e as Error).message;
      deps.logger.warn('alias ack template failed', { alias: alias.ref, executionId: execution.id, error: ackError });
      ack = `${defaultAck(execution)} (The alias's ack message could not be rendered.)`;
    }
  }
  if (alias.ack?.append_url !== false && deps.publicUrl) {
    ack += ` Details: ${deps.publicUrl.replace(/\/$/, '')}/api/v1/executions/${execution.id}`;
  }
  return { match: req.match, execution, ack, ...(ackError ? { ackError } : {}) };
}
