import type { z } from 'zod';

/** A zod problem as a field path and a sentence. */
export interface FieldProblem {
  field: string | undefined;
  problem: string;
}

type Issue = z.core.$ZodIssue;
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

/**
 * Flattens zod issues to field problems. A union whose input matched one branch's type reports
 * that branch's own problems (`formats[0].display: must be a string`), not just "wrong type".
 */
export function toFieldProblems(issues: readonly Issue[], base: PropertyKey[] = []): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const iss of issues) {
    const path = [...base, ...iss.path];
    if (iss.code === 'invalid_union') {
      const branch = iss.errors.find((errs) => !errs.some((e) => e.code === 'invalid_type' && e.path.length === 0));
      if (branch) {
        out.push(...toFieldProblems(branch, path));
        continue;
      }
    }
    if (iss.code === 'invalid_key') {
      out.push({ field: fieldPath(path), problem: 'names may only contain letters, digits and underscores' });
      continue;
    }
    out.push({ field: fieldPath(path), problem: iss.message });
  }
  return out;
}

/** `['parameters', 'cmd', 'type']` -> `parameters.cmd.type`; `['formats', 0]` -> `formats[0]`. */
export function fieldPath(path: readonly PropertyKey[]): string | undefined {
  let s = '';
  for (const part of path) {
    if (typeof part === 'number') s += `[${part}]`;
    else s += s ? `.${String(part)}` : String(part);
  }
  return s || undefined;
}
