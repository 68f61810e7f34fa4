import type { ActionAlias } from '../engine/model/alias.js';

/**
 * Formats and command shapes that make backtracking matchers blow up (issue 9): repeated separators,
 * `a=b` pairs, quoted fragments, many placeholders, match_multiple. Shared by the bench
 * (alias_match_worst_ms) and test/aliases/match-cost.test.ts (steps per character).
 */
const alias = (ref: string, formats: ActionAlias['formats']): ActionAlias => {
  const [pack = 'adv', name = ref] = ref.split('.');
  return { id: ref, uid: `action_alias:${pack}:${name}`, ref, pack, name, enabled: true, action_ref: ref, formats };
};

export const ADVERSARIAL_ALIASES: ActionAlias[] = [
  alias('adv.run', ['run {{cmd}} on {{hosts}}', 'run {{cmd}}']),
  alias('adv.four', ['{{a}} {{b}} {{c}} {{d}}']),
  alias('adv.repeat', ['a {{p}} a {{q}} a {{r}} a']),
  alias('adv.and', ['{{a}} and {{b}}']),
  alias('adv.say', ['say "{{msg}}"', 'say {{msg}} to {{who=everyone}}']),
  alias('adv.regex', ['(run|execute) {{cmd}}( on {{hosts=localhost}})?[!.]?']),
  alias('adv.deploy', ['deploy {{app}} to {{env=staging}}']),
  alias('adv.dup', [
    {
      display: 'duplicate of KEY',
      representation: ['(?:\\b|^)duplicate of (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)(?:\\b|$)'],
      match_multiple: true,
    },
  ]),
  alias('adv.hear', [{ display: 'x {{a}} y {{b}}', representation: ['x {{a}} y {{b}}'], match_multiple: true }]),
];

/** Adversarial commands of about `n` characters, by shape. */
export const ADVERSARIAL_SHAPES: Record<string, (n: number) => string> = {
  'repeated separators': (n) => `run ${'x on '.repeat(n / 5)}`,
  'key=value pairs': (n) => `run ${'a=b '.repeat(n / 4)}`,
  'quoted fragments': (n) => `say ${'"a b '.repeat(n / 5)}`,
  'closed quotes': (n) => `run ${'"x" on \'y\' '.repeat(n / 12)}`,
  'many placeholders': (n) => `${'a '.repeat(n / 2)}b`,
  'literal that almost matches': (n) => `${'a a '.repeat(n / 4)}b`,
  brackets: (n) => `run ${'{[ '.repeat(n / 3)}`,
  'match_multiple occurrences': (n) => 'duplicate of AB-1 x 1 y 2 '.repeat(n / 26),
  'no match at all': (n) => `zz ${'q '.repeat(n / 2)}`,
  'trailing pairs after text': (n) => `run ${'x '.repeat(n / 4)}${' k="v w"'.repeat(16)}`,
  whitespace: (n) => `run${' \t'.repeat(n / 2)}x`,
};
