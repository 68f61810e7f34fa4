import type { Command } from 'commander';
import { ROLES } from '../../app/roles/role-table.js';
import type { ProcessInfo } from '../../engine/store/process-repo.js';
import { type CliContext, examples } from '../cli-context.js';

type StatusProcess = ProcessInfo & { heartbeat_age_s: number };

interface StatusBody {
  version: string;
  processes: StatusProcess[];
  singletons: Record<string, string>;
}

/** Roles with the single-active ones this process runs marked `*`. */
const rolesText = (p: StatusProcess) => p.roles.map((r) => (p.active.includes(r) ? `${r}*` : r)).join(',');

/** `squall status`: the live processes of the deployment (`GET /api/v1/status`). */
export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("the deployment's live processes: roles, version, last heartbeat")
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall status', 'squall status --json'))
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const body = await (await ctx.api(cmd)).get<StatusBody>('/api/v1/status');
      if (flags.json) return ctx.output.json(body);
      ctx.output.table(
        ['process', 'roles', 'version', 'state', 'last heartbeat'],
        body.processes.map((p) => [p.id, rolesText(p), p.version, p.state, `${p.heartbeat_age_s}s ago`]),
        'No live processes.',
      );
      const missing = ROLES.filter((r) => r.singleton === 'lease')
        .map((r) => r.name)
        .filter((r) => body.processes.some((p) => p.roles.includes(r)) && body.singletons[r] === undefined);
      ctx.output.note(
        `* runs this single-active role now (under its lease).${missing.length ? ` Not held yet: ${missing.join(', ')}.` : ''}`,
      );
    });
}
