import { describe, expect, it } from 'vitest';
import { squall } from './acceptance-support.js';

// Issue 4, item 6: `squall alias parse --format '<format>' '<command>'` prints {"parameters": {...}}
// (values as the user typed them, strings) and exits 0, or prints the reason and exits 1.
// Each case below quotes the rule of items 1-3 it checks.

async function parse(format: string, command: string): Promise<Record<string, unknown>> {
  const r = await squall(['alias', 'parse', '--format', format, command]);
  expect(r.code, `${format} / ${command}: ${r.stderr}`).toBe(0);
  const out = JSON.parse(r.stdout) as { parameters: Record<string, unknown> };
  expect(Object.keys(out)).toEqual(['parameters']);
  for (const v of Object.values(out.parameters)) expect(typeof v).toBe('string');
  return out.parameters;
}

const matches: [string, string, string, Record<string, string>][] = [
  // item 1: every character outside the placeholders is literal (StackStorm fails all three)
  ['literal ? and ...', 'How do I feel? I feel... {{status}}!', 'How do I feel? I feel... happy!', { status: 'happy' }],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal $ before a placeholder is the point
  ['literal $', 'cost is ${{amount}}', 'cost is $42', { amount: '42' }],
  ['literal parentheses', 'deploy {{app}} (v{{ver}})', 'deploy web (v1.2.3)', { app: 'web', ver: '1.2.3' }],
  // item 1: defaults, spaces optional; bare word, quoted string, JSON, text with {{ }} kept as written
  ['default, no spaces', 'ping {{host}} {{count=3}}', 'ping web', { host: 'web', count: '3' }],
  ['default overridden', 'ping {{ host }} {{ count = 3 }}', 'ping web 5', { host: 'web', count: '5' }],
  ['quoted default', 'greet {{ who = "hello world" }}', 'greet', { who: 'hello world' }],
  ['JSON default', 'get {{thing={"a": [1, 2]}}}', 'get', { thing: '{"a": [1, 2]}' }],
  ['template default kept', 'color {{c = {{ colors.x }} }}', 'color', { c: '{{ colors.x }}' }],
  // item 1: StackStorm regex formats keep working
  ['regex format', '^restart (?P<svc>\\w+) now$', 'restart nginx now', { svc: 'nginx' }],
  ['alternation group', 'run {{cmd}} (on|at) {{host}}', 'run ls at web1', { cmd: 'ls', host: 'web1' }],
  // item 2: quotes
  ['double quotes', 'say {{msg}} to {{who}}', 'say "hi there" to bob', { msg: 'hi there', who: 'bob' }],
  ['single quotes', 'say {{msg}} to {{who}}', "say 'hi there' to bob", { msg: 'hi there', who: 'bob' }],
  ['curly double quotes', 'say {{msg}} to {{who}}', 'say “hi there” to bob', { msg: 'hi there', who: 'bob' }],
  ['curly single quotes', 'say {{msg}} to {{who}}', 'say ‘hi there’ to bob', { msg: 'hi there', who: 'bob' }],
  ['apostrophe is a letter', 'say {{msg}} to {{who}}', "say don't stop to bob", { msg: "don't stop", who: 'bob' }],
  ['curly apostrophe is a letter', 'say {{msg}}', 'say it’s fine', { msg: 'it’s fine' }],
  // item 2: JSON objects and arrays with nesting
  [
    'nested JSON object',
    'post {{data}} to {{url}}',
    'post {"a": {"b": [1, {"c": "x y"}]}} to http://h',
    { data: '{"a": {"b": [1, {"c": "x y"}]}}', url: 'http://h' },
  ],
  ['nested JSON array', 'arr {{a}}', 'arr [1, [2, 3], {"x": "]"}]', { a: '[1, [2, 3], {"x": "]"}]' }],
  // item 2: trailing key=value pairs
  ['key=value extra', 'run {{cmd}}', 'run date timeout=5', { cmd: 'date', timeout: '5' }],
  [
    'key=value quoted and JSON',
    'set {{k}}',
    'set x opts={"a":[1,2]} name="a b"',
    { k: 'x', opts: '{"a":[1,2]}', name: 'a b' },
  ],
  ['key=value kept as text when needed', 'run {{cmd}}', 'run a=b', { cmd: 'a=b' }],
  ['named pair overrides', 'run {{cmd}} on {{hosts}}', 'run date on web cmd=whoami', { cmd: 'whoami', hosts: 'web' }],
  // item 2: case, whitespace, line breaks, the last placeholder takes the rest
  [
    'literal words ignore case, values keep it',
    'deploy {{app}} (v{{ver}})',
    'DEPLOY MyApp (V1.2)',
    { app: 'MyApp', ver: '1.2' },
  ],
  ['runs of spaces and tabs, trimmed', 'say {{msg}} to {{who}}', 'say \t  hi   to\t\tbob  ', { msg: 'hi', who: 'bob' }],
  ['line breaks inside values kept', 'note {{text}}', 'note line one\nline two', { text: 'line one\nline two' }],
  ['last placeholder takes the rest', 'run {{cmd}}', 'run ls -la /tmp | wc -l', { cmd: 'ls -la /tmp | wc -l' }],
  // item 3: text from chat is data, never a template
  ['user {{ }} verbatim', 'run {{cmd}}', 'run echo {{ secret }} {% if x %}', { cmd: 'echo {{ secret }} {% if x %}' }],
];

describe('squall alias parse (issue 4)', () => {
  for (const [name, format, command, expected] of matches) {
    it.concurrent(`${name}: ${JSON.stringify(command)}`, async () => {
      expect(await parse(format, command)).toEqual(expected);
    });
  }

  it.concurrent('prints the reason and exits 1 when the command does not match', async () => {
    const r = await squall(['alias', 'parse', '--format', 'deploy {{app}} (v{{ver}})', 'deploy web v1.2']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/does not match/);
  });

  it.concurrent('a required placeholder with nothing for it does not match (exit 1)', async () => {
    const r = await squall(['alias', 'parse', '--format', 'run {{cmd}}', 'run']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.concurrent('an invalid format is explained, exit 1', async () => {
    const r = await squall(['alias', 'parse', '--format', 'bad {{ x', 'bad y']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not closed/);
  });

  it.concurrent('without --format it is a usage error (exit 2)', async () => {
    const r = await squall(['alias', 'parse', 'run date']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format/);
  });
});
