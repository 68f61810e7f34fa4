import { describe, expect, it } from 'vitest';
import { extractParameters } from '../../aliases/extract.js';
import { AliasMatcher } from '../../aliases/matcher.js';
import { parseFormat } from '../../aliases/parse-format.js';
import { prng } from '../../bench/alias-bench.js';
import { SquallError } from '../../engine/errors.js';
import type { ActionAlias } from '../../engine/model/alias.js';
import { alias } from './alias-fixtures.js';

/** A format with a literal `$` (StackStorm reads it as an end anchor). */
const COST_FORMAT = ['cost is $', '{{amount}}'].join('');

/**
 * 100,000 random and mutated formats and commands through the parser, the extractor and the matcher.
 * Nothing may throw except SquallError('SQ_ALIAS_INVALID') from parseFormat, results must be well
 * formed, and no single call may take 200 ms or more: that would mean pathological backtracking, which
 * grows exponentially and takes seconds, while a normal call takes microseconds. A call over 10 ms is
 * re-run up to three times and the fastest run counts, so a GC pause or a busy machine (two cores,
 * shared) is not mistaken for it. Seeded, so a failure reproduces.
 */
const SEED = 20_240_613;
const CALLS = Number(process.env.SQUALL_FUZZ_CALLS ?? 100_000);
const BOUND_MS = 200;
const SLOW_MS = 10;

const FORMATS = [
  'run {{cmd}} on {{hosts}}',
  'run {{cmd}} on {{hosts=localhost}}',
  'How do I feel? I feel... {{status}}!',
  COST_FORMAT,
  'deploy {{app}} (v{{ver}})',
  '{{a}} and {{b}}',
  'greet {{who=hello world}}',
  "x {{thing={'key': 'value'}}}",
  'x {{ color = {{ colors.default_color }} }}',
  '(run|execute) {{cmd}}( on {{hosts=localhost}})?[!.]?',
  '(?:\\b|^)duplicate of (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)(?:\\b|$)',
  'how much is {{a}}+{{b}}?',
  'list sensors {{pack=core}}',
  'say "{{msg}}"',
  '{{a}} {{b}} {{c}} {{d}}',
  'a {{p}} a {{q}} a {{r}} a',
  '',
  'foo',
];
const COMMANDS = [
  'run date on localhost',
  'run \'ls -la\' on x y=1 data={"a": {"b": [1, 2]}}',
  'How do I feel? I feel... great!',
  'deploy web (v1.2)',
  'x and y and z',
  'say \u201Chello\u201D don\u2019t {{ execution.id }}',
  'execute uptime on web1!',
  'this is a duplicate of ABC-1 and duplicate of XY-2',
  'run echo a\necho b on host',
  'a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a b',
];
const ALPHABET = [
  ...'abcxyz ABC019_-.,:;!?$^*+()|[]{}<>=/\\\'"`~#%&@',
  '\t',
  '\n',
  '\u00A0',
  '\u201C',
  '\u201D',
  '\u2018',
  '\u2019',
  '\u00e9',
  '\u0130',
  '\ud83d\ude00',
  '{{',
  '}}',
  '{{x}}',
  '{{y=1}}',
  ' on ',
  ' and ',
  'a=b',
  ' k="v w"',
  '(?P<g>',
  '(?:',
  ')',
  '\\d+',
];

const rnd = prng(SEED);
const int = (n: number): number => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;

function mutate(s: string): string {
  let out = s;
  const edits = 1 + int(4);
  for (let e = 0; e < edits; e++) {
    const at = int(out.length + 1);
    switch (int(5)) {
      case 0:
        out = out.slice(0, at) + pick(ALPHABET) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + 1 + int(3));
        break;
      case 2:
        out = out.slice(0, at) + out.slice(int(out.length), int(out.length) + 8) + out.slice(at);
        break;
      case 3:
        out = out.slice(0, at) + pick(ALPHABET).repeat(1 + int(30)) + out.slice(at);
        break;
      default:
        out = out.toUpperCase();
    }
  }
  return out;
}

function random(maxParts: number): string {
  let out = '';
  const n = int(maxParts);
  for (let i = 0; i < n; i++) out += pick(ALPHABET);
  return out;
}

const format = (): string => (rnd() < 0.7 ? mutate(pick(FORMATS)) : random(20));
const command = (): string => {
  const r = rnd();
  if (r < 0.55) return mutate(pick(COMMANDS));
  if (r < 0.9) return random(60);
  // Long, repetitive input: the shape that exposes backtracking.
  return pick([' a', ' "', ' {', " '", ' a=b', ' and', '\u201C ', ' [', '{{']).repeat(20 + int(100));
};

function validParams(p: Record<string, string>): boolean {
  return Object.values(p).every((v) => typeof v === 'string');
}

describe('alias language fuzz', () => {
  it(`survives ${CALLS.toLocaleString('en')} random and mutated inputs`, async ({ annotate }) => {
    const aliases: ActionAlias[] = [];
    for (let i = 0; i < 200; i++)
      aliases.push(
        alias(`fuzz${i % 7}.a${i}`, [
          format(),
          { display: format(), representation: [format()], match_multiple: rnd() < 0.1 },
        ]),
      );
    const matcher = new AliasMatcher(aliases);
    const problems: string[] = [];
    let worst = { ms: 0, what: '' };

    const timed = (what: string, call: () => void): void => {
      let t0 = performance.now();
      call();
      let ms = performance.now() - t0;
      for (let again = 0; again < 3 && ms >= SLOW_MS; again++) {
        t0 = performance.now();
        call();
        ms = Math.min(ms, performance.now() - t0);
      }
      if (ms > worst.ms) worst = { ms, what };
    };

    for (let i = 0; i < CALLS; i++) {
      const op = rnd();
      const f = format();
      const c = command();
      const what = `#${i} ${JSON.stringify(f)} ${JSON.stringify(c).slice(0, 200)}`;
      try {
        if (op < 0.55) {
          timed(what, () => {
            const r = extractParameters(f, c);
            if (r.ok ? !validParams(r.parameters) || !Number.isFinite(r.score) : typeof r.reason !== 'string')
              problems.push(`bad result ${what}`);
          });
        } else if (op < 0.7) {
          timed(what, () => {
            try {
              const p = parseFormat(f);
              if (p.source !== f) problems.push(`source changed ${what}`);
            } catch (e) {
              if (!(e instanceof SquallError) || e.code !== 'SQ_ALIAS_INVALID') throw e;
            }
          });
        } else {
          timed(what, () => {
            const o = matcher.match(c);
            if (o.kind === 'match' && !o.matches.every((m) => validParams(m.parameters)))
              problems.push(`bad match ${what}`);
            if (o.kind === 'none' && o.closest.length > 3) problems.push(`too many suggestions ${what}`);
          });
        }
      } catch (e) {
        problems.push(`threw ${e instanceof Error ? e.stack : String(e)} on ${what}`);
        if (problems.length > 20) break;
      }
    }
    await annotate(`worst call: ${worst.ms.toFixed(2)} ms (${worst.what.slice(0, 300)})`);
    expect(problems.slice(0, 5)).toEqual([]);
    expect(worst.ms, worst.what).toBeLessThan(BOUND_MS);
  }, 120_000);
});
