import { describe, expect, it } from 'vitest';
import { AliasMatcher, type MatchOutcome, validateAliasFormats } from '../../aliases/matcher.js';
import { alias } from './alias-fixtures.js';

function matched(o: MatchOutcome): { ref: string; parameters: Record<string, string> } {
  if (o.kind !== 'match') throw new Error(`expected a match, got ${o.kind}: ${o.message}`);
  const m = o.matches[0];
  if (m === undefined || o.matches.length !== 1) throw new Error(`expected one match, got ${o.matches.length}`);
  return { ref: m.alias.ref, parameters: m.parameters };
}

describe('AliasMatcher', () => {
  const aliases = [
    alias('core.run', ['run {{cmd}} on {{hosts}}', 'run {{cmd}}']),
    alias('packs.install', ['pack install {{packs}}'], { description: 'Install packs' }),
    alias('packs.get', ['pack get {{pack}}'], { description: 'Show a pack' }),
    alias('st2.sensors', ['list sensors {{pack=core}}', 'sensors list']),
    alias('mood.feel', ['How do I feel? I feel... {{status}}!']),
  ];
  const matcher = new AliasMatcher(aliases);

  it('matches a command to its alias and extracts parameters', () => {
    expect(matched(matcher.match('pack install st2 consul'))).toEqual({
      ref: 'packs.install',
      parameters: { packs: 'st2 consul' },
    });
    expect(matched(matcher.match('LIST SENSORS'))).toEqual({ ref: 'st2.sensors', parameters: { pack: 'core' } });
    expect(matched(matcher.match('How do I feel? I feel... fine!'))).toEqual({
      ref: 'mood.feel',
      parameters: { status: 'fine' },
    });
  });

  it('names the matched format and its display', () => {
    const o = matcher.match('sensors list');
    expect(o.kind).toBe('match');
    if (o.kind === 'match')
      expect(o.matches[0]).toMatchObject({ representation: 'sensors list', display: 'sensors list' });
  });

  it('picks the most specific of two formats of the same alias', () => {
    expect(matched(matcher.match('run date on web1'))).toEqual({
      ref: 'core.run',
      parameters: { cmd: 'date', hosts: 'web1' },
    });
    expect(matched(matcher.match('run date'))).toEqual({ ref: 'core.run', parameters: { cmd: 'date' } });
  });

  it('prefers the alias with more literal characters over a catch-all', () => {
    const m = new AliasMatcher([
      alias('a.catchall', ['alias4 fmt1 {{param1}}']),
      alias('a.specific', ['alias4 fmt1 {{param1}} word {{param2}}']),
    ]);
    expect(matched(m.match('alias4 fmt1 value1 word value2'))).toEqual({
      ref: 'a.specific',
      parameters: { param1: 'value1', param2: 'value2' },
    });
    expect(matched(m.match('alias4 fmt1 value1'))).toEqual({ ref: 'a.catchall', parameters: { param1: 'value1' } });
  });

  it('answers an exact tie between aliases as ambiguous, listing the candidates', () => {
    const m = new AliasMatcher([
      alias('one.install', ['pack install {{packs}}']),
      alias('two.install', [{ display: 'pack install <packs>', representation: ['pack install {{what}}'] }]),
    ]);
    const o = m.match('pack install st2');
    expect(o.kind).toBe('ambiguous');
    if (o.kind === 'ambiguous') {
      expect(o.candidates).toEqual([
        { ref: 'one.install', display: 'pack install {{packs}}' },
        { ref: 'two.install', display: 'pack install <packs>' },
      ]);
      expect(o.message).toContain('one.install');
      expect(o.message).toContain('two.install');
    }
  });

  it('uses the first of two equally specific formats of one alias instead of calling it ambiguous', () => {
    const m = new AliasMatcher([alias('p.install', ['pack install {{packs}}', 'pack install {{what}}'])]);
    const o = m.match('pack install x');
    expect(o.kind).toBe('match');
    if (o.kind === 'match') expect(o.matches[0]?.parameters).toEqual({ packs: 'x' });
  });

  it('answers no match with the closest commands, never silence', () => {
    const o = matcher.match('pack instal st2');
    expect(o.kind).toBe('none');
    if (o.kind === 'none') {
      expect(o.closest.length).toBe(3);
      expect(o.closest[0]).toEqual({
        ref: 'packs.install',
        display: 'pack install {{packs}}',
        description: 'Install packs',
      });
      expect(o.closest.map((c) => c.ref)).toContain('packs.get');
      expect(o.message).toContain('pack install {{packs}}');
    }
  });

  it('says so when the user may run nothing', () => {
    const o = matcher.match('pack install x', () => false);
    expect(o.kind).toBe('none');
    if (o.kind === 'none') {
      expect(o.closest).toEqual([]);
      expect(o.message).toMatch(/no commands are available/);
    }
  });

  it('skips aliases the filter rejects and disabled aliases', () => {
    const m = new AliasMatcher([
      alias('a.install', ['pack install {{packs}}']),
      alias('b.install', ['pack install {{packs}}'], { enabled: false }),
      alias('c.install', ['pack install {{packs}}']),
    ]);
    expect(matched(m.match('pack install x', (a) => a.ref !== 'c.install')).ref).toBe('a.install');
    const none = m.match('pack install x', (a) => a.ref === 'b.install');
    expect(none.kind).toBe('none');
  });

  it('runs match_multiple formats once per occurrence, only when nothing else matched', () => {
    const m = new AliasMatcher([
      alias('jira.dup', [
        {
          display: 'duplicate of <issue>',
          representation: ['(?:\\b|^)duplicate of (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)(?:\\b|$)'],
          match_multiple: true,
        },
      ]),
      alias('jira.mark', ['mark {{issue}} as duplicate of {{other}}']),
      alias('jira.hey', [{ display: 'hey {{name}}', representation: ['hey {{name}}'], match_multiple: true }]),
    ]);
    const o = m.match('this is a duplicate of ABC-1 and also duplicate of XYZ-22.');
    expect(o.kind).toBe('match');
    if (o.kind === 'match') {
      expect(o.matches.map((x) => [x.alias.ref, x.parameters])).toEqual([
        ['jira.dup', { issue_key: 'ABC-1' }],
        ['jira.dup', { issue_key: 'XYZ-22' }],
      ]);
    }
    expect(matched(m.match('mark ABC-1 as duplicate of XYZ-2'))).toEqual({
      ref: 'jira.mark',
      parameters: { issue: 'ABC-1', other: 'XYZ-2' },
    });
    const hey = m.match('hey alice and hey bob');
    expect(hey.kind === 'match' && hey.matches.map((x) => x.parameters.name)).toEqual(['alice', 'bob']);
  });

  it('matches regex formats that do not start with a literal word', () => {
    const m = new AliasMatcher([
      alias('c.run', ['(run|execute) {{cmd}}( on {{hosts=localhost}})?']),
      alias('c.other', ['runner {{x}}']),
    ]);
    expect(matched(m.match('execute uptime'))).toEqual({
      ref: 'c.run',
      parameters: { cmd: 'uptime', hosts: 'localhost' },
    });
    expect(matched(m.match('runner x'))).toEqual({ ref: 'c.other', parameters: { x: 'x' } });
  });

  it('skips and records invalid formats, keeping the alias’s valid ones', () => {
    const m = new AliasMatcher([
      alias('bad.one', ['how much is (?P<a>\\d+', 'how much is {{a}}']),
      alias('bad.two', ['say {{']),
    ]);
    expect(m.problems.map((p) => [p.ref, p.format])).toEqual([
      ['bad.one', 'how much is (?P<a>\\d+'],
      ['bad.two', 'say {{'],
    ]);
    expect(matched(m.match('how much is 3')).ref).toBe('bad.one');
    m.setAliases([alias('ok.one', ['ok'])]);
    expect(m.problems).toEqual([]);
    expect(matched(m.match('ok')).ref).toBe('ok.one');
  });

  it('matches a display-only format object by its display', () => {
    const m = new AliasMatcher([alias('x.y', [{ display: 'show {{thing}}' }])]);
    expect(matched(m.match('show cats'))).toEqual({ ref: 'x.y', parameters: { thing: 'cats' } });
  });
});

describe('validateAliasFormats', () => {
  it('returns the first problem or undefined', () => {
    expect(
      validateAliasFormats(alias('a.b', ['run {{cmd}}', { display: 'x', representation: ['(?P<x>\\d+)'] }])),
    ).toBeUndefined();
    expect(validateAliasFormats(alias('a.b', ['run {{cmd}}', { representation: '(?P<x>\\d+' }]))).toMatch(
      /regular expression/,
    );
    expect(validateAliasFormats(alias('a.b', ['run {{a}} {{a}}']))).toMatch(/more than once/);
  });
});
