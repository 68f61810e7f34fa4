import { SquallError } from '../errors.js';
import type { InquiryService } from '../inquiries/inquiry-service.js';
import { DEFAULT_INQUIRY_SCHEMA } from '../inquiries/response-schema.js';
import type { Runner, RunOutcome } from './runner.js';

/**
 * `inquirer` (`core.ask`): opens an inquiry — a question with a response schema — and leaves the
 * execution `pending`; its workflow pauses. An answer (API, CLI, chat) ends it `succeeded` with
 * `{..., response}`, and the workflow resumes; one not answered within `ttl` minutes ends `timeout`.
 */
export function createInquirerRunner(inquiries: () => InquiryService | undefined): Runner {
  return {
    name: 'inquirer',
    description: 'Asks a person a question and waits for the answer (an inquiry).',
    parameters: {
      schema: {
        type: 'object',
        description: 'A JSON schema the response must match.',
        default: DEFAULT_INQUIRY_SCHEMA,
      },
      roles: { type: 'array', description: 'Roles allowed to respond; empty: any.', default: [] },
      users: { type: 'array', description: 'Users allowed to respond; empty: any.', default: [] },
      route: {
        type: 'string',
        description:
          'A name rules can filter on (core.st2.generic.inquiry); `platform:channel` or, with one chat platform, a channel to ask in.',
        default: '',
      },
      ttl: {
        type: 'number',
        description: 'Minutes until an unanswered inquiry times out; 0: never.',
        default: 1440,
        minimum: 0,
      },
    },
    async run(ctx): Promise<RunOutcome> {
      const service = inquiries();
      if (service === undefined) return { status: 'failed', result: { error: 'Inquiries are not available.' } };
      try {
        return { status: 'pending', result: await service.open(ctx.execution, ctx.parameters) };
      } catch (e) {
        if (e instanceof SquallError && e.code === 'SQ_VALIDATION')
          return { status: 'failed', result: { error: e.message } };
        throw e;
      }
    },
  };
}
