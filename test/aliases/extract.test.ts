import { describe, expect, it } from 'vitest';
import { extractParameters } from '../../aliases/extract.js';
import { parseFormat } from '../../aliases/parse-format.js';

/** A format with a literal `$` (StackStorm reads it as an end anchor). */
const COST_FORMAT = ['cost is $', '{{amount}}'].join('');

const params = (format: string, command: string): Record<string, string> | string => {
  const r = extractParameters(format, command);
  return r.ok ? r.parameters : `NO MATCH: ${r.reason}`;
};
const noMatch = (format: string, command: string): void => {
  const r = extractParameters(format, command);
  expect(r.ok, JSON.stringify(r)).toBe(false);
};

describe('extractParameters: literal text is literal (StackStorm fails these)', () => {
  it('matches regex metacharacters in a template literally', () => {
    expect(params('How do I feel? I feel... {{status}}!', 'How do I feel? I feel... great!')).toEqual({
      status: 'great',
    });
    expect(params(COST_FORMAT, 'cost is $5')).toEqual({ amount: '5' });
    expect(params('deploy {{app}} (v{{ver}})', 'deploy web (v1.2.3)')).toEqual({ app: 'web', ver: '1.2.3' });
    expect(params('how much is {{a}}+{{b}}?', 'how much is 1+2?')).toEqual({ a: '1', b: '2' });
  });

  it('does not let . or ? act as wildcards', () => {
    noMatch('lorem ipsum dolor amet.', 'lorem ipsum dolor amet!');
    noMatch('lorem ipsum dolor amet.', 'lorem ipsum dolor amet');
    noMatch('is it up?', 'is it u');
  });

  it('matches a literal-only format only exactly', () => {
    expect(params('foo', 'foo')).toEqual({});
    noMatch('foo', 'foo bar');
    noMatch('foo', 'foobar');
    expect(params('foo', 'foo bar=1')).toEqual({ bar: '1' });
  });
});

describe('extractParameters: values', () => {
  it('gives earlier placeholders the shortest value and the last one the rest', () => {
    expect(params('{{a}} {{b}}', 'one two three')).toEqual({ a: 'one', b: 'two three' });
    expect(params('{{a}} and {{b}}', 'x and y and z')).toEqual({ a: 'x', b: 'y and z' });
    expect(params('run {{cmd}} on {{hosts}}', 'run date on localhost and more')).toEqual({
      cmd: 'date',
      hosts: 'localhost and more',
    });
  });

  it('removes quotes from quoted values and keeps inner quotes', () => {
    expect(params('run {{cmd}} on {{hosts}}', "run 'ls -la' on x")).toEqual({ cmd: 'ls -la', hosts: 'x' });
    expect(params('run {{cmd}} on {{hosts}}', `run "echo 'hi'" on x`)).toEqual({ cmd: "echo 'hi'", hosts: 'x' });
    expect(params('say {{msg}}', 'say ""')).toEqual({ msg: '' });
  });

  it('takes a quoted value whole even when it contains the next literal', () => {
    expect(params('run {{cmd}} on {{hosts}}', 'run "echo on x" on web')).toEqual({ cmd: 'echo on x', hosts: 'web' });
  });

  it('keeps quotes that are part of a longer value', () => {
    expect(params('run {{cmd}} on {{hosts}}', 'run echo "a  b" on x')).toEqual({ cmd: 'echo "a  b"', hosts: 'x' });
  });

  it("treats chat clients' curly quotes as quotes", () => {
    expect(params('say {{msg}}', 'say \u201Chello there\u201D')).toEqual({ msg: 'hello there' });
    expect(params('run {{cmd}} on {{host}}', 'run \u2018ls -la\u2019 on x')).toEqual({ cmd: 'ls -la', host: 'x' });
  });

  it('keeps an apostrophe inside a word as a letter', () => {
    expect(params('say {{msg}}', "say don't stop")).toEqual({ msg: "don't stop" });
    expect(params('say {{msg}} now', "say it's fine now")).toEqual({ msg: "it's fine" });
    expect(params('say {{msg}}', 'say don\u2019t stop')).toEqual({ msg: 'don\u2019t stop' });
    expect(params('say {{a}} {{b}}', "say 'don't' go")).toEqual({ a: "don't", b: 'go' });
  });

  it('keeps an unbalanced quote as a character', () => {
    expect(params('say {{msg}}', 'say "hello world')).toEqual({ msg: '"hello world' });
  });

  it('takes nested JSON objects and arrays whole', () => {
    expect(params('set {{key}} to {{value}}', 'set cfg to {"a": {"b": [1, {"c": "}"}]}}')).toEqual({
      key: 'cfg',
      value: '{"a": {"b": [1, {"c": "}"}]}}',
    });
    expect(params('tag {{items}} with {{label}}', 'tag [1, [2, 3]] with x')).toEqual({
      items: '[1, [2, 3]]',
      label: 'x',
    });
  });

  it('matches literal words case-insensitively and keeps the case of values', () => {
    expect(params('run {{cmd}} on {{hosts}}', 'RUN Date ON LocalHost')).toEqual({ cmd: 'Date', hosts: 'LocalHost' });
  });

  it('treats runs of spaces, tabs and NBSP as one separator and trims values', () => {
    expect(params('run {{cmd}} on {{hosts}}', '  run  date \t on\u00A0\u00A0localhost   ')).toEqual({
      cmd: 'date',
      hosts: 'localhost',
    });
    expect(params('say {{msg}}', 'say hello     world')).toEqual({ msg: 'hello world' });
  });

  it('keeps line breaks inside values', () => {
    expect(params('run {{cmd}} on {{hosts}}', 'run echo a\necho b on localhost')).toEqual({
      cmd: 'echo a\necho b',
      hosts: 'localhost',
    });
    expect(params('say {{msg}}', 'say line one\n  line two')).toEqual({ msg: 'line one\n  line two' });
  });

  it('passes {{ }} typed by a user through verbatim', () => {
    expect(params('say {{msg}}', 'say {{ execution.id }}')).toEqual({ msg: '{{ execution.id }}' });
    expect(params('say {{msg}}', "say {{ st2kv('system.secret') }} please")).toEqual({
      msg: "{{ st2kv('system.secret') }} please",
    });
    expect(params('run {{cmd}}', 'run echo {% for x in y %}{{x}}{% endfor %}')).toEqual({
      cmd: 'echo {% for x in y %}{{x}}{% endfor %}',
    });
  });

  it('accepts quotes written around a placeholder in the format as optional', () => {
    expect(params('say "{{msg}}"', 'say hi there')).toEqual({ msg: 'hi there' });
    expect(params('say "{{msg}}"', 'say "hi there"')).toEqual({ msg: 'hi there' });
  });
});

describe('extractParameters: optional placeholders and defaults', () => {
  it('applies defaults of every kind as strings, as written', () => {
    expect(params('greet {{who=hello world}}', 'greet')).toEqual({ who: 'hello world' });
    expect(params("greet {{who='x y'}}", 'greet')).toEqual({ who: 'x y' });
    expect(params('greet {{ who = "x y" }}', 'greet')).toEqual({ who: 'x y' });
    expect(params('count {{n=5}}', 'count')).toEqual({ n: '5' });
    expect(params("x {{thing={'key': 'value'}}}", 'x')).toEqual({ thing: "{'key': 'value'}" });
    expect(params('x {{thing={"a": [1, 2]}}}', 'x')).toEqual({ thing: '{"a": [1, 2]}' });
    expect(params('x {{ color = {{ colors.default_color }} }}', 'x')).toEqual({ color: '{{ colors.default_color }}' });
    expect(params('x {{empty=}}', 'x')).toEqual({ empty: '' });
  });

  it('lets the optional placeholder be absent together with its space', () => {
    expect(params('list sensors {{pack=core}}', 'list sensors')).toEqual({ pack: 'core' });
    expect(params('list sensors {{pack=core}}', 'list sensors linux')).toEqual({ pack: 'linux' });
    expect(params('run {{cmd}} on {{hosts=localhost}} now', 'run date on now')).toEqual({
      cmd: 'date',
      hosts: 'localhost',
    });
    expect(params('{{greeting=hi}} there', 'there')).toEqual({ greeting: 'hi' });
    expect(params('{{greeting=hi}} there', 'hello there')).toEqual({ greeting: 'hello' });
  });

  it('makes words that only introduce a final optional placeholder optional with it (StackStorm refuses)', () => {
    const f = 'deploy {{app}} to {{env=staging}}';
    expect(params(f, 'deploy api')).toEqual({ app: 'api', env: 'staging' });
    expect(params(f, 'deploy api to prod')).toEqual({ app: 'api', env: 'prod' });
    expect(params(f, 'deploy api timeout=5')).toEqual({ app: 'api', env: 'staging', timeout: '5' });
    // Words that name the command stay required.
    expect(extractParameters('list sensors {{pack=core}}', 'list').ok).toBe(false);
  });
});

describe('extractParameters: trailing key=value pairs', () => {
  it('takes pairs as extra parameters when the rest still matches', () => {
    expect(params('status', 'status verbose=true')).toEqual({ verbose: 'true' });
    expect(params('run {{cmd}} now', 'run date now timeout=60 env="a b"')).toEqual({
      cmd: 'date',
      timeout: '60',
      env: 'a b',
    });
    expect(params('', 'a=foobar1')).toEqual({ a: 'foobar1' });
  });

  it('takes trailing pairs as parameters when the rest still matches the format', () => {
    expect(params('run {{cmd}}', 'run date timeout=5')).toEqual({ cmd: 'date', timeout: '5' });
    expect(params('run {{cmd}} on {{hosts}}', 'run date on web1 timeout=60')).toEqual({
      cmd: 'date',
      hosts: 'web1',
      timeout: '60',
    });
    expect(params('status', 'status verbose=true')).toEqual({ verbose: 'true' });
  });

  it('keeps pairs as text when the rest of the command would not match without them', () => {
    expect(params('run {{cmd}}', 'run a=b')).toEqual({ cmd: 'a=b' });
    expect(params('run {{cmd}} on {{hosts}}', 'run x on y=1')).toEqual({ cmd: 'x', hosts: 'y=1' });
    noMatch('literal only', 'literal only=1');
  });

  it('lets a named pair override a value from the format', () => {
    expect(params('run {{cmd}} on {{hosts}}', 'run date on localhost cmd=whoami')).toEqual({
      cmd: 'whoami',
      hosts: 'localhost',
    });
  });

  it('takes nested JSON, quoted and empty pair values', () => {
    expect(params('status', 'status data={"a": {"b": "c"}} list=[1, 2] s=\'x y\' e=""')).toEqual({
      data: '{"a": {"b": "c"}}',
      list: '[1, 2]',
      s: 'x y',
      e: '',
    });
  });

  it('does not take `x = 5` (spaces around =) as a pair', () => {
    noMatch('status', 'status x = 5');
    expect(params('set {{what}}', 'set x = 5')).toEqual({ what: 'x = 5' });
  });

  it('lets the last of two same-named pairs win', () => {
    expect(params('status', 'status a=1 a=2')).toEqual({ a: '2' });
  });
});

describe('extractParameters: regex formats', () => {
  it('treats a format as a regex only with unmistakable marks', () => {
    expect(parseFormat('(run|execute) {{cmd}}').kind).toBe('regex');
    expect(parseFormat('^status$').kind).toBe('regex');
    expect(parseFormat('get (?P<id>\\d+)').kind).toBe('regex');
    expect(parseFormat('list (?:all )?hosts').kind).toBe('regex');
    expect(parseFormat('How do I feel? I feel... {{status}}!').kind).toBe('template');
    expect(parseFormat('deploy {{app}} (v{{ver}})').kind).toBe('template');
    expect(parseFormat(COST_FORMAT).kind).toBe('template');
  });

  it('supports alternation, optional groups and defaults inside them', () => {
    const f = '(run|execute) {{cmd}}( on {{hosts=localhost}})?[!.]?';
    expect(params(f, 'execute uptime on web1!')).toEqual({ cmd: 'uptime', hosts: 'web1' });
    expect(params(f, 'RUN uptime')).toEqual({ cmd: 'uptime', hosts: 'localhost' });
    noMatch(f, 'walk uptime');
  });

  it('turns Python named groups into parameters', () => {
    expect(params('get issue (?P<key>[A-Z]+-\\d+)', 'get issue ABC-12')).toEqual({ key: 'ABC-12' });
    expect(params('^ping (?P<host>\\S+)$', 'ping web1')).toEqual({ host: 'web1' });
  });

  it('applies the key=value rule to regex formats too', () => {
    expect(params('get issue (?P<key>[A-Z]+-\\d+)', 'get issue ABC-12 verbose=1')).toEqual({
      key: 'ABC-12',
      verbose: '1',
    });
  });

  it('reports an invalid regex as a reason, not an exception', () => {
    const r = extractParameters('get (?P<id>\\d+', 'get 1');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/regular expression/);
  });
});

describe('extractParameters: errors and scores', () => {
  it('reports malformed placeholders', () => {
    for (const f of ['run {{cmd', 'run {{}}', 'run {{ 1x }}', 'run {{a}} {{a}}']) {
      const r = extractParameters(f, 'run x');
      expect(r.ok, f).toBe(false);
    }
  });

  it('scores by literal characters matched', () => {
    const a = extractParameters('alias4 fmt1 {{p1}} word {{p2}}', 'alias4 fmt1 v1 word v2');
    const b = extractParameters('alias4 fmt1 {{p1}}', 'alias4 fmt1 v1 word v2');
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect(a.score).toBeGreaterThan(b.score);
  });

  it('does not match an empty command against a format with a required value', () => {
    noMatch('{{x}}', '');
    noMatch('run {{cmd}}', 'run');
    noMatch('run {{cmd}}', 'run   ');
  });
});

describe('extractParameters: regex formats with optional groups, as real packs write them', () => {
  const f = 'show host( in {{zone}})? {{name}}';
  it('matches with and without the optional group', () => {
    expect(extractParameters(f, 'show host web1')).toMatchObject({ ok: true, parameters: { name: 'web1' } });
    expect(extractParameters(f, 'show host in eu-west web1')).toMatchObject({
      ok: true,
      parameters: { zone: 'eu-west', name: 'web1' },
    });
    expect(extractParameters(f, 'show hostx').ok).toBe(false);
  });

  it('fills a default when its optional group is absent', () => {
    const g = 'restart (service )?{{svc}}( on {{host=localhost}})?';
    expect(extractParameters(g, 'restart nginx')).toMatchObject({ parameters: { svc: 'nginx', host: 'localhost' } });
    expect(extractParameters(g, 'restart service nginx on web2')).toMatchObject({
      parameters: { svc: 'nginx', host: 'web2' },
    });
  });
});
