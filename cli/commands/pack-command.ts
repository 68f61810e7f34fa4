import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Pack } from '../../engine/model/action.js';
import { type CliContext, examples } from '../cli-context.js';
import { validatePack } from '../pack-validate.js';
import { registerPackConfigCommand } from './pack-config-command.js';
import { registerPackInstallCommands } from './pack-install-commands.js';

export function registerPackCommand(program: Command, ctx: CliContext): void {
  const pack = program
    .command('pack')
    .description('install, remove, list, show, register and validate packs')
    .addHelpText(
      'after',
      examples(
        'squall pack install ./packs/mypack',
        'squall pack list',
        'squall pack register mypack',
        'squall pack validate ./packs/mypack',
      ),
    );

  pack
    .command('list')
    .description('list registered packs')
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall pack list', 'squall pack list --json'))
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const { items } = await (await ctx.api(cmd)).list<Pack>('/api/v1/packs');
      if (flags.json) return ctx.output.json(items);
      ctx.output.table(
        ['ref', 'version', 'origin', 'description'],
        items.map((p) => [p.ref, p.version ?? '', p.origin ?? '', p.description ?? '']),
        'No packs.',
      );
    });

  registerPackInstallCommands(pack, ctx);
  registerPackConfigCommand(pack, ctx);

  pack
    .command('register')
    .description('(re)load packs from disk on the server: all of them, or those named')
    .argument('[packs...]', 'pack names; none means every pack')
    .option('--no-deps', "do not install the packs' requirements.txt into their virtual environments")
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall pack register', 'squall pack register core mypack'))
    .action(async (packs: string[], flags: { json?: boolean; deps?: boolean }, cmd: Command) => {
      const api = await ctx.api(cmd);
      const body = { ...(packs.length ? { packs } : {}), ...(flags.deps === false ? { no_deps: true } : {}) };
      const res = await api.post<unknown>('/api/v1/packs/register', body);
      if (flags.json) return ctx.output.json(res);
      printRegistered(ctx, res, packs);
    });

  pack
    .command('setup-venv')
    .description("(re)install a pack's Python virtual environment and its requirements.txt, then register it")
    .argument('<packs...>', 'pack names')
    .option('--no-deps', 'make the environment without installing requirements.txt')
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall pack setup-venv mypack'))
    .action(async (packs: string[], flags: { json?: boolean; deps?: boolean }, cmd: Command) => {
      const api = await ctx.api(cmd);
      const res = await api.post<unknown>('/api/v1/packs/setup_virtualenv', {
        packs,
        ...(flags.deps === false ? { no_deps: true } : {}),
      });
      if (flags.json) return ctx.output.json(res);
      printRegistered(ctx, res, packs);
    });

  pack
    .command('validate')
    .description('check a pack folder without a server; prints each problem as file: field: problem')
    .argument('<dir>', 'the pack folder (with pack.yaml)')
    .option('--json', 'print the problems as JSON')
    .addHelpText('after', examples('squall pack validate ./packs/mypack'))
    .action(async (dir: string, flags: { json?: boolean }) => {
      const { formatProblem, isError } = await import('../../engine/packs/pack-types.js');
      const problems = await validatePack(resolve(dir));
      const errors = problems.filter(isError).length;
      // Warnings (fields real packs often get slightly wrong) are shown but do not fail the check.
      ctx.exitCode = errors > 0 ? 1 : 0;
      if (flags.json) return ctx.output.json(problems);
      const c = ctx.output.color;
      for (const p of problems) ctx.output.out(isError(p) ? formatProblem(p) : c.yellow(formatProblem(p)));
      if (problems.length === 0) return ctx.output.out(`${c.green('✔')} ${dir}: no problems found`);
      const warnings = problems.length - errors;
      ctx.output.note(
        (errors ? c.red : c.yellow)(`${dir}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`),
      );
    });
}

function printRegistered(ctx: CliContext, res: unknown, asked: string[]): void {
  const r = (res ?? {}) as RegisterResponse;
  const names = r.registered_packs?.length ? r.registered_packs.join(', ') : asked.join(', ');
  ctx.output.out(`Registered ${names || 'no packs'}.`);
  ctx.output.table(['content', 'count'], countsOf(r), 'Nothing registered.');
  for (const p of r.problems ?? []) {
    ctx.output.note(ctx.output.color.yellow([p.file, p.field, p.problem ?? p.message].filter(Boolean).join(': ')));
  }
}

/** StackStorm's counts per content kind, plus Squall's list of packs and the problems found. */
interface RegisterResponse {
  registered_packs?: string[];
  problems?: { file?: string; field?: string; problem?: string; message?: string }[];
  [kind: string]: unknown;
}

function countsOf(r: RegisterResponse): string[][] {
  return Object.entries(r)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [k, String(v)]);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
