import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldPath, issueTexts, unknownKeysInQuotes } from '../../lib/zod-issues.js';

function problems(schema: z.ZodType, input: unknown, base?: PropertyKey[]) {
  const r = schema.safeParse(input, { error: unknownKeysInQuotes });
  if (r.success) throw new Error('expected a failure');
  return issueTexts(r.error.issues, base);
}

describe('issueTexts', () => {
  it('names each field by its path, array items in brackets', () => {
    const schema = z.object({ formats: z.array(z.object({ display: z.string() })) });
    expect(problems(schema, { formats: [{ display: 1 }] })).toEqual([
      { field: 'formats[0].display', problem: expect.stringMatching(/expected string/) },
    ]);
  });

  it('names unknown keys in quotes and has no field for the value as a whole', () => {
    expect(problems(z.object({ a: z.string() }).strict(), { a: 'x', colour: 1, size: 2 })).toEqual([
      { field: undefined, problem: 'unknown key(s) "colour", "size"' },
    ]);
  });

  it('prepends a base path', () => {
    const schema = z.object({ channels: z.record(z.string(), z.object({}).strict()) });
    expect(problems(schema, { channels: { C1: { threads: true } } }, ['slack'])).toEqual([
      { field: 'slack.channels.C1', problem: 'unknown key(s) "threads"' },
    ]);
  });

  it("reports the problems of the union branch whose type the input has, not just 'wrong type'", () => {
    const schema = z.object({ item: z.union([z.string(), z.object({ display: z.string() })]) });
    expect(problems(schema, { item: { display: 3 } })).toEqual([
      { field: 'item.display', problem: expect.stringMatching(/expected string/) },
    ]);
  });

  it('explains a record key that does not fit its pattern', () => {
    const schema = z.record(z.string().regex(/^\w+$/), z.number());
    expect(problems(schema, { 'bad-key': 1 })).toEqual([
      { field: 'bad-key', problem: 'names may only contain letters, digits and underscores' },
    ]);
  });
});

describe('fieldPath', () => {
  it('joins names with dots and indexes with brackets', () => {
    expect(fieldPath(['parameters', 'cmd', 'type'])).toBe('parameters.cmd.type');
    expect(fieldPath([0, 'a'])).toBe('[0].a');
    expect(fieldPath([])).toBeUndefined();
  });
});
