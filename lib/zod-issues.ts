import type { z } from 'zod';

/** A zod issue as the field it concerns and a sentence. */
export interface IssueText {
  /** `parameters.cmd.type`, `formats[0]`; undefined for the value as a whole. */
  field: string | undefined;
  problem: string;
}

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

/**
 * Flattens zod issues to field problems, with the issues' own messages. A union whose input matched
 * one branch's type reports that branch's own problems (`formats[0].display: Invalid input...`), not
 * just "wrong type"; `base` is prepended to every path.
 */
export function issueTexts(issues: readonly Issue[], base: readonly PropertyKey[] = []): IssueText[] {
  const out: IssueText[] = [];
  for (const iss of issues) {
    const path = [...base, ...iss.path];
    if (iss.code === 'invalid_union') {
      const branch = iss.errors.find((errs) => !errs.some((e) => e.code === 'invalid_type' && e.path.length === 0));
      if (branch) {
        out.push(...issueTexts(branch, path));
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

/**
 * A per-parse zod error map that names unknown keys in quotes (`unknown key(s) "prot"`, so a typo
 * stands out) and leaves zod's own text for everything else.
 *
 * @example
 * schema.safeParse(input, { error: unknownKeysInQuotes });
 */
export function unknownKeysInQuotes(iss: RawIssue): string | undefined {
  if (iss.code !== 'unrecognized_keys') return undefined;
  return `unknown key(s) ${iss.keys.map((k) => `"${k}"`).join(', ')}`;
}
