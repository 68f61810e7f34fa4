import type { PermissionGrants } from '../engine/auth/permissions.js';
import { rolesCan } from '../engine/auth/permissions.js';
import { asSquallError } from '../engine/errors.js';
import type { InquiryService } from '../engine/inquiries/inquiry-service.js';
import type { ChatActions } from './chat-actions.js';
import type { OutboundMessage } from './chat-adapter.js';
import type { ChatIdentity } from './identity.js';
import { INQUIRY_APPROVE, INQUIRY_REJECT, yesNoProperty } from './notify/inquiry-message.js';

export interface InquiryAnswersDeps {
  inquiries: InquiryService;
  /** `auth.roles.<role>.grant`, so that a role granted `inquiry:respond` may answer from chat too. */
  grants: PermissionGrants;
  prefix: string;
}

// `respond ID {json}`, also StackStorm's chatops form `respond to inquiry ID with {json}`.
const RESPOND = /^respond(?:\s+to\s+inquiry)?\s+(\S+)\s+(?:with\s+)?([\s\S]+)$/i;
const YES_NO = /^(approve|reject)\s+(\S+)\s*$/i;

/**
 * Answers to inquiries from chat: the Approve/Reject buttons and the typed `!approve ID`,
 * `!reject ID` and `!respond ID {json}`. The chat user is already mapped to a Squall user; the
 * inquiry service checks the rest (who may answer, expiry, schema) and the question's message then
 * shows the outcome. Every refusal is a polite message to the person who tried.
 */
export class InquiryAnswers {
  readonly #deps: InquiryAnswersDeps;

  constructor(deps: InquiryAnswersDeps) {
    this.#deps = deps;
  }

  /** Registers the Approve and Reject buttons. */
  register(actions: ChatActions): void {
    actions.register(INQUIRY_APPROVE, async (a, who) => this.#yesNo(a.value, true, who));
    actions.register(INQUIRY_REJECT, async (a, who) => this.#yesNo(a.value, false, who));
  }

  /** The answer to a typed inquiry command, or undefined when the text is not one. */
  async command(text: string, who: ChatIdentity): Promise<OutboundMessage | undefined> {
    const yn = YES_NO.exec(text.trim());
    if (yn) return this.#yesNo(yn[2] as string, (yn[1] as string).toLowerCase() === 'approve', who);
    const r = RESPOND.exec(text.trim());
    if (!r) return undefined;
    const id = r[1] as string;
    let response: unknown;
    try {
      response = JSON.parse(r[2] as string);
    } catch (e) {
      return {
        text: `That answer is not JSON (${(e as Error).message}). Type it as \`${this.#deps.prefix}respond ${id} {"approved": true}\`.`,
        tone: 'warning',
      };
    }
    return this.#respond(id, response, who);
  }

  async #yesNo(id: string, yes: boolean, who: ChatIdentity): Promise<OutboundMessage> {
    let property: string | undefined;
    try {
      property = yesNoProperty((await this.#deps.inquiries.get(id)).schema);
    } catch (e) {
      return { text: asSquallError(e).message, tone: 'warning' };
    }
    if (property === undefined) {
      return {
        text: `Inquiry ${id} needs more than yes or no: answer with \`${this.#deps.prefix}respond ${id} {...}\`.`,
        tone: 'warning',
      };
    }
    return this.#respond(id, { [property]: yes }, who);
  }

  async #respond(id: string, response: unknown, who: ChatIdentity): Promise<OutboundMessage> {
    try {
      const done = await this.#deps.inquiries.respond(id, response, {
        user: who.user,
        roles: who.roles,
        permitted: rolesCan(who.roles, 'inquiry:respond', this.#deps.grants),
      });
      return {
        text: `Thanks, ${who.user}: your answer to inquiry ${id} is recorded (\`${JSON.stringify(done.response ?? {})}\`); the workflow carries on.`,
        tone: 'success',
      };
    } catch (e) {
      const err = asSquallError(e);
      if (err.code === 'SQ_INTERNAL') throw e;
      return { text: `Sorry, ${who.user}: ${err.message}`, tone: 'warning' };
    }
  }
}
