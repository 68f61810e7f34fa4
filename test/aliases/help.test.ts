import { describe, expect, it } from 'vitest';
import {
  findAliasForHelp,
  helpEntries,
  helpPage,
  parseHelpArgs,
  renderAliasHelp,
  renderHelpList,
} from '../../aliases/help.js';
import { alias } from './alias-fixtures.js';

const aliases = [
  alias('st2.sensors', ['list sensors {{pack=core}}', { representation: ['sensors list'] }], {
    description: 'List sensors',
  }),
  alias('packs.install', ['pack install {{packs}}'], { description: 'Install packs from the exchange' }),
  alias('packs.get', [{ display: 'pack get <pack>', representation: ['pack get {{pack}}'] }], {
    description: 'Show a pack',
  }),
  alias('core.run', ['run {{cmd}} on {{hosts=localhost}}'], {
    description: 'Run a shell command',
    immutable_parameters: { sudo: false },
  }),
  alias('core.off', ['off {{x}}'], { enabled: false }),
];

describe('helpEntries', () => {
  it('lists displays grouped (sorted) by pack, leaving out hidden formats and disabled aliases', () => {
    expect(helpEntries(aliases).map((e) => [e.pack, e.display])).toEqual([
      ['core', 'run {{cmd}} on {{hosts=localhost}}'],
      ['packs', 'pack get <pack>'],
      ['packs', 'pack install {{packs}}'],
      ['st2', 'list sensors {{pack=core}}'],
    ]);
  });

  it('filters on display, description and ref, and by pack', () => {
    expect(helpEntries(aliases, { filter: 'PACK' }).map((e) => e.ref)).toEqual([
      'packs.get',
      'packs.install',
      'st2.sensors',
    ]);
    expect(helpEntries(aliases, { filter: 'exchange install' }).map((e) => e.ref)).toEqual(['packs.install']);
    expect(helpEntries(aliases, { pack: 'core' }).map((e) => e.ref)).toEqual(['core.run']);
    expect(helpEntries(aliases, { filter: 'nothing-like-this' })).toEqual([]);
  });
});

describe('helpPage and renderHelpList', () => {
  const many = Array.from({ length: 45 }, (_, i) =>
    alias(`pack${i % 3}.cmd${String(i).padStart(2, '0')}`, [`cmd${String(i).padStart(2, '0')} {{x}}`], {
      description: `Command ${i}`,
    }),
  );
  const entries = helpEntries(many);

  it('paginates and clamps the page number', () => {
    const p1 = helpPage(entries, 1, 20);
    expect([p1.available, p1.page, p1.pages, p1.entries.length]).toEqual([45, 1, 3, 20]);
    const p3 = helpPage(entries, 3, 20);
    expect(p3.entries.length).toBe(5);
    expect(helpPage(entries, 99, 20).page).toBe(3);
    expect(helpPage(entries, 0, 20).page).toBe(1);
    expect(helpPage([], 1).pages).toBe(1);
  });

  it('renders pack headings, prefixed commands with descriptions and a next-page hint', () => {
    const text = renderHelpList(helpPage(entries, 1, 20), '!');
    expect(text).toContain('(45, page 1 of 3)');
    expect(text).toContain('*pack0*');
    expect(text).toContain('  !cmd00 {{x}} - Command 0');
    expect(text).toContain('!help 2');
    expect(text.indexOf('*pack0*')).toBeLessThan(text.indexOf('*pack1*'));
    expect(renderHelpList(helpPage(entries, 3, 20), '!')).not.toContain('!help 4');
  });

  it('keeps the filter in the next-page hint and explains an empty result', () => {
    const filtered = helpEntries(many, { filter: 'pack1' });
    expect(renderHelpList(helpPage(filtered, 1, 5), '!', 'pack1')).toContain('!help pack1 2');
    expect(renderHelpList(helpPage([], 1), '!', 'zzz')).toContain('No commands match "zzz"');
    expect(renderHelpList(helpPage([], 1), '!')).toContain('No commands are available');
  });

  it('reads a trailing number as the page', () => {
    expect(parseHelpArgs('pack 2')).toEqual({ filter: 'pack', page: 2 });
    expect(parseHelpArgs('  ')).toEqual({ page: 1 });
    expect(parseHelpArgs('3')).toEqual({ page: 3 });
  });
});

describe('!help <command>', () => {
  it('finds the alias by ref, display, leading words or a command it would run', () => {
    expect(findAliasForHelp(aliases, 'packs.install')?.ref).toBe('packs.install');
    expect(findAliasForHelp(aliases, 'pack install')?.ref).toBe('packs.install');
    expect(findAliasForHelp(aliases, 'pack get <pack>')?.ref).toBe('packs.get');
    expect(findAliasForHelp(aliases, 'run uptime on web1')?.ref).toBe('core.run');
    expect(findAliasForHelp(aliases, 'pack')).toBeUndefined();
    expect(findAliasForHelp(aliases, 'off x')).toBeUndefined();
  });

  it('explains the alias, its usages and parameters, with the action’s specs', () => {
    const run = aliases[3];
    if (run === undefined) throw new Error('fixture');
    const text = renderAliasHelp(
      run,
      {
        cmd: { type: 'string', required: true, description: 'The command' },
        hosts: { type: 'string', description: 'Where' },
        timeout: { type: 'integer', default: 60, description: 'Seconds' },
        password: { type: 'string', secret: true, default: 'hunter2' },
        sudo: { type: 'boolean' },
      },
      '!',
    );
    expect(text).toContain('!run {{cmd}} on {{hosts=localhost}} (core.run, runs core.run_action)');
    expect(text).toContain('Run a shell command');
    expect(text).toContain('  cmd (string, required) - The command');
    expect(text).toContain('  hosts (string, default: localhost) - Where');
    expect(text).toContain('  timeout (integer, default: 60) - Seconds');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('Fixed by the alias: sudo');
    expect(text).not.toMatch(/^ {2}sudo/m);
  });
});
