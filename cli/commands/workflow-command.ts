import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { type CliContext, examples } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { colorStatus } from '../output.js';

async function readInput(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 2);
  }
}

export function registerWorkflowCommand(program: Command, ctx: CliContext): void {
  const workflow = program
    .command('workflow')
    .description('check and rehearse Orquesta workflows locally (no server)')
    .addHelpText(
      'after',
      examples(
        'squall workflow validate actions/workflows/deploy.yaml',
        'squall workflow rehearse rehearsal.yaml --json',
      ),
    );

  workflow
    .command('validate')
    .description('check a workflow definition: syntax, graph, expressions and variables')
    .argument('<file>', 'the workflow YAML')
    .addHelpText(
      'after',
      `${examples('squall workflow validate actions/workflows/deploy.yaml')}\n` +
        'Exits 0 when valid, 1 with each problem as path: message, 2 when the file cannot be read.\n',
    )
    .action(async (file: string) => {
      const text = await readInput(file);
      const { validateWorkflow } = await import('../../engine/workflows/spec/validate-spec.js');
      const { formatProblem } = await import('../../engine/workflows/spec/spec-types.js');
      const { problems } = validateWorkflow(text);
      const c = ctx.output.color;
      if (problems.length === 0) return ctx.output.out(`${c.green('✔')} ${file}: valid`);
      for (const p of problems) ctx.output.out(formatProblem(p));
      ctx.output.note(c.red(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`));
      ctx.exitCode = 1;
    });

  workflow
    .command('rehearse')
    .description('run a workflow with scripted action results and no side effects')
    .argument('<file>', 'YAML with workflow, input and action_results')
    .option('--json', 'print {status, output, sequence, dispatched, errors}')
    .addHelpText(
      'after',
      `${examples('squall workflow rehearse rehearsal.yaml', 'squall workflow rehearse rehearsal.yaml --json')}\n` +
        'The file holds `workflow` (the definition, inline or a path relative to the file), `input`, and\n' +
        '`action_results`: a list of {task, item?, status?, result?} consumed in order per task (and item).\n' +
        'Exits 0 when the workflow succeeds, 1 when it fails or is invalid, 2 when the file cannot be read.\n',
    )
    .action(async (file: string, flags: { json?: boolean }) => {
      const text = await readInput(file);
      let doc: unknown;
      try {
        doc = parseYaml(text) as unknown;
      } catch (e) {
        throw new CliError(
          `${file}: the YAML cannot be parsed: ${(e instanceof Error ? e.message : String(e)).split('\n', 1)[0]}`,
          2,
        );
      }
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('workflow' in doc)) {
        throw new CliError(`${file}: expected a mapping with workflow, input and action_results`, 1);
      }
      const file_ = doc as { workflow: unknown; input?: unknown; action_results?: unknown; st2kv?: unknown };
      let workflowDoc = file_.workflow;
      if (typeof workflowDoc === 'string' && !workflowDoc.includes('\n')) {
        const { dirname, resolve } = await import('node:path');
        workflowDoc = await readInput(resolve(dirname(file), workflowDoc));
      }
      if (
        file_.input !== undefined &&
        (typeof file_.input !== 'object' || file_.input === null || Array.isArray(file_.input))
      ) {
        throw new CliError(`${file}: input must be a mapping`, 1);
      }
      if (file_.action_results !== undefined && !Array.isArray(file_.action_results)) {
        throw new CliError(`${file}: action_results must be a list`, 1);
      }
      const { rehearse } = await import('../../engine/workflows/rehearse.js');
      let result: Awaited<ReturnType<typeof rehearse>>;
      try {
        result = rehearse({
          workflow: workflowDoc,
          input: file_.input as Record<string, unknown> | undefined,
          action_results: file_.action_results as never,
          st2kv: file_.st2kv as Record<string, unknown> | undefined,
        });
      } catch (e) {
        throw new CliError(e instanceof Error ? e.message : String(e), 1);
      }
      ctx.exitCode = result.status === 'succeeded' ? 0 : 1;
      if (flags.json) {
        const { status, output, sequence, dispatched, errors } = result;
        return ctx.output.json({
          status,
          output,
          sequence,
          dispatched: dispatched.map(({ action: _a, ...d }) => d),
          errors,
        });
      }
      const c = ctx.output.color;
      ctx.output.out(`${c.bold('sequence')}  ${result.sequence.join(' → ') || '(none)'}`);
      for (const d of result.dispatched) {
        const item = d.item === undefined ? '' : `[${d.item}]`;
        ctx.output.out(`  ${c.cyan(`${d.task}${item}`)} ${d.action} ${JSON.stringify(d.input)}`);
      }
      ctx.output.out(`${c.bold('status')}    ${colorStatus(c, result.status)}`);
      ctx.output.out(`${c.bold('output')}    ${JSON.stringify(result.output)}`);
      for (const e of result.errors) {
        const where = e.task_id === undefined ? '' : `${e.task_id}${e.route ? `|${e.route}` : ''}: `;
        ctx.output.out(c.red(`error     ${where}${e.message}`));
      }
    });
}
