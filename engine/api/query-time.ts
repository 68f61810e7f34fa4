import { SquallError } from '../errors.js';

/** A time filter from the query string (`timestamp_gt`, `enforced_at_lt`...) as ISO, or a 400 naming it. */
export function queryTime(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) {
    throw new SquallError(
      'SQ_VALIDATION',
      `Invalid query parameter '${name}': "${value.slice(0, 60)}" is not a time (use ISO 8601, e.g. 2026-01-31T12:00:00Z)`,
    );
  }
  return new Date(t).toISOString();
}
