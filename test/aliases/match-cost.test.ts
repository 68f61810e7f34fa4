import { describe, expect, it } from 'vitest';
import { extractParameters } from '../../aliases/extract.js';
import { matchSteps } from '../../aliases/match-steps.js';
import { AliasMatcher } from '../../aliases/matcher.js';
import { MAX_COMMAND_LENGTH } from '../../aliases/parse-command.js';
import { ADVERSARIAL_ALIASES, ADVERSARIAL_SHAPES } from '../../bench/alias-adversarial.js';
import { SquallError } from '../../engine/errors.js';

/**
 * Matching cost, counted in the matcher's own units of work (aliases/match-steps.ts) rather than time:
 * long adversarial commands of every shape that used to backtrack must cost a bounded number of steps
 * per character, and doubling the length must about double the steps (quadratic would quadruple them).
 */
const matcher = new AliasMatcher(ADVERSARIAL_ALIASES);

function stepsOf(command: string): number {
  const before = matchSteps.total;
  matcher.match(command);
  return matchSteps.total - before;
}

describe('alias matching cost', () => {
  for (const [name, make] of Object.entries(ADVERSARIAL_SHAPES)) {
    it(`is linear in the command for ${name}`, () => {
      const long = make(MAX_COMMAND_LENGTH - 400);
      const short = make((MAX_COMMAND_LENGTH - 400) / 4);
      expect(long.length).toBeLessThanOrEqual(MAX_COMMAND_LENGTH);
      const big = stepsOf(long);
      const small = stepsOf(short);
      // A bounded number of steps per character, whatever the shape...
      expect(big / long.length).toBeLessThan(100);
      // ...and four times the length costs about four times the steps (quadratic would be sixteen).
      expect(big / small).toBeLessThan(5);
    });
  }

  it('refuses a command longer than the maximum, naming the limit, from the matcher and the extractor', () => {
    const long = `run ${'x'.repeat(MAX_COMMAND_LENGTH)}`;
    let thrown: unknown;
    try {
      matcher.match(long);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SquallError);
    expect((thrown as SquallError).code).toBe('SQ_ALIAS_COMMAND_TOO_LONG');
    expect((thrown as SquallError).message).toContain(String(MAX_COMMAND_LENGTH));
    const r = extractParameters('run {{cmd}}', long);
    expect(r).toEqual({ ok: false, reason: expect.stringContaining(`at most ${MAX_COMMAND_LENGTH} characters`) });
    expect(matcher.match(`run ${'x'.repeat(MAX_COMMAND_LENGTH - 4)}`).kind).toBe('match');
  });
});
