import { describe, expect, it } from 'vitest';
import { AliasMatcher, type MatchOutcome } from '../../aliases/matcher.js';
import { benchAliases, prng } from '../../bench/alias-bench.js';
import type { ActionAlias } from '../../engine/model/alias.js';
import { alias } from './alias-fixtures.js';

/**
 * The first-word index must not change any result: the same aliases matched with and without it give
 * the same outcome for thousands of commands, matching ones, near misses and unknown ones alike.
 */
const rnd = prng(7_031);
const int = (n: number): number => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;

const WORDS = [
  'run',
  'RUN',
  'show',
  'list',
  'deploy',
  'pack3',
  'host50',
  'hosts50',
  'on',
  'to',
  'and',
  'status',
  'x',
  'host',
  'in',
  'pods',
];
const EXTRA: ActionAlias[] = [
  alias('e.run', ['run {{cmd}} on {{hosts=localhost}}', 'run {{cmd}}']),
  alias('e.any', ['{{a}} and {{b}}']),
  alias('e.regex', ['(run|execute) {{cmd}}( on {{hosts=localhost}})?[!.]?']),
  alias('e.anchored', ['^show (?P<what>\\w+)$']),
  alias('e.optgroup', ['show host( in {{zone}})? {{name}}', 'list (?:pods|hosts)( in {{zone}})?']),
  alias('e.deploy', ['deploy {{app}} to {{env=staging}}']),
  alias('e.tie', ['show status']),
  alias('e.tie2', ['show status']),
  alias('e.hear', [{ display: 'x {{a}}', representation: ['x {{a}}'], match_multiple: true }]),
];

function mutate(c: string): string {
  const words = c.split(' ');
  switch (int(5)) {
    case 0:
      words.splice(int(words.length + 1), 0, pick(WORDS));
      break;
    case 1:
      words.splice(int(words.length), 1);
      break;
    case 2:
      words[int(words.length)] = pick(WORDS);
      break;
    case 3:
      words.push(`k${int(3)}=v`);
      break;
    default:
      return c.toUpperCase();
  }
  return words.join(' ');
}

/** The outcome without object identity, so two matchers' answers compare by value. */
function plain(o: MatchOutcome): unknown {
  if (o.kind !== 'match') return o;
  return o.matches.map((m) => ({ ref: m.alias.ref, rep: m.representation, parameters: m.parameters, score: m.score }));
}

describe('indexed alias matching', () => {
  it('answers exactly as trying every format does, over thousands of commands', () => {
    const { aliases, commands } = benchAliases(300);
    const all = [...aliases, ...EXTRA];
    const indexed = new AliasMatcher(all);
    const unindexed = new AliasMatcher(all, { indexed: false });
    const tried: string[] = ['show status', 'SHOW  status', 'show status k1=v'];
    for (let i = 0; i < 3000; i++) {
      const base = rnd() < 0.8 ? pick(commands) : Array.from({ length: 1 + int(5) }, () => pick(WORDS)).join(' ');
      tried.push(rnd() < 0.6 ? mutate(base) : base);
    }
    const kinds = { match: 0, ambiguous: 0, none: 0 };
    for (const c of tried) {
      const a = indexed.match(c);
      const b = unindexed.match(c);
      kinds[a.kind]++;
      expect(plain(a), c).toEqual(plain(b));
    }
    // The sample really covers every kind of answer.
    expect(kinds.match).toBeGreaterThan(300);
    expect(kinds.none).toBeGreaterThan(300);
    expect(kinds.ambiguous).toBeGreaterThan(0);
  });
});
