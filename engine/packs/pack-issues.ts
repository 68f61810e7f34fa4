import type { z } from 'zod';

type RawIssue = z.core.$ZodRawIssue;

/**
 * Per-parse error map: short messages that read well after a field name
 * (`parameters.cmd.type: must be one of string, integer, ...`).
 */
export function issueMessage(iss: RawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      if (iss.expected === 'int') return 'must be an integer';
      return `must be ${article(iss.expected)}`;
    case 'invalid_value':
      return `must be one of ${iss.values.map((v) => String(v)).join(', ')}`;
    case 'too_small':
      if (iss.origin === 'string') return 'must not be empty';
      if (iss.origin === 'array') return `must have at least ${String(iss.minimum)} item(s)`;
      return `must be at least ${String(iss.minimum)}`;
    case 'unrecognized_keys':
      return `unknown key(s): ${iss.keys.join(', ')}`;
    case 'invalid_union':
      return 'has the wrong type';
    default:
      return iss.message ?? 'is invalid';
  }
}

function article(expected: string): string {
  const name = expected === 'record' ? 'object' : expected;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}
