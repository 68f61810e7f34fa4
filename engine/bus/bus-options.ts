import { SquallError } from '../errors.js';
import type { ConsumeOptions, Topic } from './bus.js';

/** Messages handled at once by one consumer unless it asks for more. */
export const DEFAULT_PREFETCH = 16;
/** Deliveries before a message is dead-lettered. */
export const DEFAULT_MAX_ATTEMPTS = 5;

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new SquallError('SQ_VALIDATION', `bus consume option ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** Consume options with defaults applied, checked the same way on every bus. */
export function resolveConsumeOptions(opts: ConsumeOptions = {}): { prefetch: number; maxAttempts: number } {
  return {
    prefetch: positiveInt(opts.prefetch, DEFAULT_PREFETCH, 'prefetch'),
    maxAttempts: positiveInt(opts.maxAttempts, DEFAULT_MAX_ATTEMPTS, 'maxAttempts'),
  };
}

/** Serialises a message, turning what JSON cannot carry (BigInt, cycles) into a validation error. */
export function toJson(topic: Topic, msg: unknown): string {
  try {
    return JSON.stringify(msg);
  } catch (e) {
    throw new SquallError('SQ_VALIDATION', `cannot publish on ${topic}: the message is not JSON (${String(e)})`, {
      cause: e,
    });
  }
}
