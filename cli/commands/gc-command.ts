import type { Command } from 'commander';
import { type CliContext, examples } from '../cli-context.js';

interface GcReport {
  dry_run: boolean;
  collections: { collection: string; retention: string | null; older_than: string | null; count: number }[];
  total: number;
}

export function registerGcCommand(program: Command, ctx: CliContext): void {
  program
    .command('gc')
    .description('delete records past their retention (gc: in squall.yaml) now; --dry-run only counts them')
    .option('--dry-run', 'report what would be deleted; delete nothing')
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall gc --dry-run', 'squall gc'))
    .action(async (flags: { dryRun?: boolean; json?: boolean }, cmd: Command) => {
      const dryRun = flags.dryRun === true;
      const report = await (await ctx.api(cmd)).post<GcReport>('/api/v1/gc', { dry_run: dryRun });
      if (flags.json) return ctx.output.json(report);
      ctx.output.table(
        ['collection', 'kept for', 'older than', dryRun ? 'would delete' : 'deleted'],
        report.collections.map((c) => [
          c.collection,
          c.retention ?? 'forever',
          c.older_than ?? '-',
          c.retention === null ? '-' : String(c.count),
        ]),
      );
      ctx.output.note(
        dryRun
          ? `Dry run: ${report.total} record(s) would be deleted; nothing was.`
          : `${report.total} record(s) deleted.`,
      );
    });
}
