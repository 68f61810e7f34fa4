import type { AliasMatch } from '../aliases/matcher.js';
import { aliasAllowed, matchAllowed } from '../engine/aliases/alias-access.js';
import type { AliasCatalog } from '../engine/aliases/alias-catalog.js';
import { runAlias } from '../engine/aliases/alias-execution.js';
import type { ActionPolicy } from '../engine/auth/action-policy.js';
import { asSquallError, SquallError } from '../engine/errors.js';
import type { ExecutionService } from '../engine/executions/execution-service.js';
import type { Logger } from '../engine/logger.js';
import type { ActionAlias } from '../engine/model/alias.js';
import type { Execution } from '../engine/model/execution.js';
import type { JsonObject } from '../engine/model/json.js';
import type { RunnerRegistry } from '../engine/runners/runner-registry.js';
import type { Store } from '../engine/store/store.js';
import { commandText } from './addressing.js';
import type { ChatMessage, ChatReply, OutboundMessage, PostedRef } from './chat-adapter.js';
import { answerHelp, isHelpCommand } from './help-command.js';
import { type ChatIdentity, type IdentityOptions, mayRun, resolveIdentity } from './identity.js';
import { owePendingResult } from './notify/pending-results.js';
import { answerShowExecution, parseShowExecution } from './show-execution-command.js';

export interface RouterOptions extends IdentityOptions {
  /** @default '!' */
  prefix: string;
  /** The longest message a reply may be (the smallest platform's limit). @default 3500 */
  maxLength?: number;
  publicUrl?: string;
}

export interface RouterDeps {
  store: Store;
  executions: ExecutionService;
  /** Hides from `!help` the commands whose action the user's roles may not run (running them is refused anyway). */
  actionPolicy?: ActionPolicy;
  catalog: AliasCatalog;
  runners: RunnerRegistry;
  logger: Logger;
  present: (e: Execution) => JsonObject;
  options: RouterOptions;
  /** Typed answers to inquiries (`approve ID`, `reject ID`, `respond ID {json}`); undefined: not one. */
  inquiryCommand?: (command: string, who: ChatIdentity) => Promise<OutboundMessage | undefined>;
}

/** The key under which the ack message's ref is kept, so the result can edit it. */
export function ackKey(executionId: string): string {
  return `chat:ack:${executionId}`;
}

function reply(text: string, tone: OutboundMessage['tone'] = 'info'): ChatReply {
  return { message: { text, tone } };
}

/**
 * The chat router: every adapter hands it messages; it decides whether the bot is addressed, who the
 * user is, which alias matches, whether they may run it, and answers at once with the ack. The result
 * follows later through the notifier and the bot's result consumer.
 */
export class ChatRouter {
  readonly #log: Logger;

  constructor(private readonly deps: RouterDeps) {
    this.#log = deps.logger.child({ component: 'router' });
  }

  /** Handles one message; never throws (a failure becomes a one-line reply). */
  async handle(m: ChatMessage): Promise<ChatReply | undefined> {
    const command = commandText(m, this.deps.options.prefix);
    if (command === undefined) return undefined;
    const log = this.#log.child({ platform: m.platform, channel: m.channel });
    try {
      return await this.#handle(m, command, log);
    } catch (e) {
      const err = asSquallError(e);
      if (err.code === 'SQ_INTERNAL') log.error('chat command failed', { error: err.message });
      return reply(
        err.code === 'SQ_INTERNAL' ? 'Something went wrong on my side; the error is logged.' : err.message,
        'failure',
      );
    }
  }

  async #handle(m: ChatMessage, command: string, log: Logger): Promise<ChatReply | undefined> {
    const { prefix } = this.deps.options;
    if (command.length === 0) return reply(`Type \`${prefix}help\` to see what I can do.`);
    const who = await resolveIdentity(this.deps.store, m, this.deps.options);
    if (!who) {
      return reply(
        `Sorry, I don't know you yet, so I can't run commands for you. Ask an admin to map your ${m.platform} user (${m.user}) to a Squall user.`,
        'warning',
      );
    }
    if (isHelpCommand(command)) {
      // Viewers see every command (they are told they cannot run any); runners only the ones they may.
      const policy = mayRun(who.roles) ? this.deps.actionPolicy : undefined;
      const allowed = (a: ActionAlias) =>
        aliasAllowed(a, who, m) && (policy === undefined || policy.refusal(who, a.action_ref) === undefined);
      return {
        message: await answerHelp(
          command,
          { catalog: this.deps.catalog, store: this.deps.store, runners: this.deps.runners },
          allowed,
          prefix,
        ),
      };
    }

    const shown = parseShowExecution(command);
    if (shown !== undefined) {
      const maxLength = this.deps.options.maxLength ?? 3500;
      return { message: await answerShowExecution(shown, { store: this.deps.store, maxLength }, who, prefix) };
    }

    const answered = await this.deps.inquiryCommand?.(command, who);
    if (answered !== undefined) return { message: answered };

    const outcome = matchAllowed(this.deps.catalog.matcher, command, who, m);
    if (outcome.kind === 'ambiguous') {
      const list = outcome.candidates.map((c) => `• ${prefix}${c.display}  (${c.ref})`).join('\n');
      return reply(
        `"${command}" matches more than one command equally well:\n${list}\nPlease be more specific.`,
        'warning',
      );
    }
    if (outcome.kind === 'none') {
      const closest = outcome.closest.map((c) => `• ${prefix}${c.display}`).join('\n');
      const hint = closest ? `\nDid you mean:\n${closest}` : '';
      return reply(`I don't know "${command}".${hint}\nType ${prefix}help for the full list.`, 'warning');
    }
    if (!mayRun(who.roles)) {
      return reply(
        `You (${who.user}) can read but not run actions: your role is ${who.roles.join(', ') || 'none'}.`,
        'failure',
      );
    }
    return this.#run(m, who, outcome.matches, log);
  }

  async #run(m: ChatMessage, who: ChatIdentity, matches: AliasMatch[], log: Logger): Promise<ChatReply> {
    const lines: string[] = [];
    const ids: string[] = [];
    for (const match of matches) {
      try {
        const r = await runAlias(
          {
            executions: this.deps.executions,
            logger: log,
            present: this.deps.present,
            ...(this.deps.options.publicUrl ? { publicUrl: this.deps.options.publicUrl } : {}),
          },
          {
            match,
            user: who.user,
            requestedBy: who,
            chatUser: m.user,
            sourceChannel: m.channel,
            chat: { platform: m.platform, channel: m.channel, user: m.user, ...(m.thread ? { thread: m.thread } : {}) },
            route: 'chat',
          },
        );
        ids.push(r.execution.id);
        await owePendingResult(this.deps.store, r.execution.id, 'chat');
        if (r.ack !== undefined) lines.push(r.ack);
      } catch (e) {
        const err = e instanceof SquallError ? e : asSquallError(e);
        if (err.code === 'SQ_INTERNAL') throw err;
        lines.push(`${match.alias.ref}: ${err.message}`);
        if (matches.length === 1) return reply(err.message, 'failure');
      }
    }
    const store = this.deps.store;
    return {
      message: { text: lines.join('\n'), tone: 'info' },
      executionIds: ids,
      onPosted: async (ref: PostedRef) => {
        // Remembered so the result can replace the ack where the platform edits messages.
        const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
        for (const id of ids) await store.marks.set(ackKey(id), ref as unknown as JsonObject, { expiresAt });
      },
    };
  }
}
