import { z } from 'zod';
import type { JsonObject } from '../model/json.js';
import type { PolicyType } from '../model/policy.js';

/**
 * One policy type Squall enforces: StackStorm's ref and description, the JSON schema
 * `/api/v1/policytypes` shows, and the zod schema a policy's `parameters` must pass (defaults
 * applied). The scheduler (engine/policies/policy-enforcer.ts) gives each its meaning.
 */
export interface PolicyTypeSpec {
  readonly ref: PolicyType;
  readonly name: string;
  readonly description: string;
  readonly parameters: JsonObject;
  readonly schema: z.ZodType<JsonObject>;
}

const overLimit = z.enum(['delay', 'cancel'], { error: 'must be delay or cancel' }).default('delay');
const threshold = z
  .number()
  .int({ error: 'must be a whole number' })
  .min(0, { error: 'must be 0 or more' })
  .default(10);

const concurrencyParameters: JsonObject = {
  threshold: {
    type: 'integer',
    minimum: 0,
    default: 10,
    description: 'How many executions may be scheduled or running at once.',
  },
  action: {
    type: 'string',
    enum: ['delay', 'cancel'],
    default: 'delay',
    description: 'Over the threshold: delay the execution until a slot frees, or cancel it.',
  },
};

export const POLICY_TYPE_TABLE: readonly PolicyTypeSpec[] = [
  {
    ref: 'action.concurrency',
    name: 'concurrency',
    description: 'Limits the executions of an action that may be scheduled or running at once, across every process.',
    parameters: concurrencyParameters,
    schema: z.object({ threshold, action: overLimit }).strict() as unknown as z.ZodType<JsonObject>,
  },
  {
    ref: 'action.concurrency.attr',
    name: 'concurrency.attr',
    description:
      'Limits the executions of an action that may run at once with the same values of the given parameters.',
    parameters: {
      ...concurrencyParameters,
      attributes: {
        type: 'array',
        items: { type: 'string' },
        required: true,
        description: 'The parameters whose values make up a group; each group has its own threshold.',
      },
    },
    schema: z
      .object({
        threshold,
        action: overLimit,
        attributes: z.array(z.string().min(1)).min(1, { error: 'must name at least one parameter' }),
      })
      .strict() as unknown as z.ZodType<JsonObject>,
  },
  {
    ref: 'action.retry',
    name: 'retry',
    description: 'Runs an action again when it fails or times out, up to a number of times, after a delay.',
    parameters: {
      retry_on: {
        type: 'string',
        enum: ['failure', 'timeout'],
        required: true,
        description: 'Retry when the execution failed, or when it timed out.',
      },
      max_retry_count: { type: 'integer', minimum: 0, default: 2, description: 'Retries at most this many times.' },
      delay: { type: 'number', minimum: 0, default: 0, description: 'Seconds to wait before each retry.' },
    },
    schema: z
      .object({
        retry_on: z.enum(['failure', 'timeout'], { error: 'must be failure or timeout' }),
        max_retry_count: z.number().int({ error: 'must be a whole number' }).min(0).default(2),
        delay: z.number().min(0, { error: 'must be 0 or more seconds' }).default(0),
      })
      .strict() as unknown as z.ZodType<JsonObject>,
  },
];

export function policyTypeSpec(ref: string): PolicyTypeSpec | undefined {
  return POLICY_TYPE_TABLE.find((t) => t.ref === ref);
}

/** A policy type as `/api/v1/policytypes` answers it (StackStorm's PolicyTypeAPI). */
export function presentPolicyType(t: PolicyTypeSpec): JsonObject {
  const [resource] = t.ref.split('.');
  return {
    id: t.ref,
    uid: `policy_type:${resource}:${t.name}`,
    ref: t.ref,
    resource_type: resource ?? 'action',
    name: t.name,
    description: t.description,
    enabled: true,
    parameters: t.parameters,
  };
}
