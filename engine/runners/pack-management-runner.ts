import { SquallError } from '../errors.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { findInIndex, searchIndex } from '../packs/install/pack-index.js';
import type { PackInstaller } from '../packs/install/pack-installer.js';
import type { RegisterReport } from '../packs/pack-registrar.js';
import { formatProblem } from '../packs/pack-types.js';
import type { RunContext, Runner, RunOutcome } from './runner.js';

export interface PackManagementDeps {
  /** Built after the runner registry (it registers packs through the engine), hence a getter. */
  installer(): PackInstaller;
  register(packs?: string[]): Promise<RegisterReport>;
  /** `packs.index_url`, for search and show. */
  indexUrls: readonly string[];
}

type Operation = (ctx: RunContext, deps: PackManagementDeps, say: (line: string) => void) => Promise<JsonObject>;

const strings = (v: JsonValue | undefined): string[] =>
  Array.isArray(v) ? v.map(String).filter((s) => s !== '') : typeof v === 'string' && v !== '' ? v.split(',') : [];

/** The built-in `packs` pack's actions, by entry point; StackStorm runs them as Python scripts and workflows. */
const OPERATIONS: Record<string, Operation> = {
  async install(ctx, deps, say) {
    const p = ctx.parameters;
    const installed = await deps
      .installer()
      .install(
        strings(p.packs),
        { force: p.force === true, skipDependencies: p.skip_dependencies === true, noDeps: p.no_deps === true },
        say,
      );
    const packs: JsonObject = {};
    for (const i of installed) packs[i.ref] = i as unknown as JsonObject;
    return { packs, warning_list: installed.flatMap((i) => i.warnings) };
  },
  async uninstall(ctx, deps, say) {
    return { packs: await deps.installer().uninstall(strings(ctx.parameters.packs), say) };
  },
  async unload(ctx, deps, say) {
    return { packs: await deps.installer().unload(strings(ctx.parameters.packs), say) };
  },
  async search(ctx, deps) {
    return { packs: await searchIndex(deps.indexUrls, String(ctx.parameters.query ?? '')) };
  },
  async show(ctx, deps) {
    const pack = String(ctx.parameters.pack ?? '');
    if (deps.indexUrls.length === 0)
      throw new SquallError(
        'SQ_PACK_NOT_FOUND',
        `No pack index is configured (packs.index_url) to show "${pack}" from.`,
      );
    return { pack: await findInIndex(deps.indexUrls, pack) };
  },
  async load(ctx, deps, say) {
    const packs = strings(ctx.parameters.packs);
    const report = await deps.register(packs.length ? packs : undefined);
    for (const p of report.problems) say(formatProblem(p));
    return {
      actions: report.actions,
      aliases: report.aliases,
      rules: report.rules,
      sensors: report.sensors,
      triggers: report.triggers,
      registered_packs: report.packs,
      problems: report.problems.map(formatProblem),
    };
  },
};

/**
 * `pack-management`: the built-in `packs` pack's install, uninstall and load, with each step written
 * to the execution's output as it happens. The entry point names the operation.
 */
export function createPackManagementRunner(deps: PackManagementDeps): Runner {
  return {
    name: 'pack-management',
    description: "Installs, removes and loads packs (the built-in packs pack's actions).",
    parameters: { timeout: { type: 'integer', default: 600, description: 'Seconds before the operation is stopped.' } },
    async run(ctx): Promise<RunOutcome> {
      const op = OPERATIONS[ctx.action.entry_point];
      if (!op)
        return {
          status: 'failed',
          result: {
            error: `pack-management has no operation "${ctx.action.entry_point}" (${Object.keys(OPERATIONS).join(', ')})`,
          },
        };
      const say = (line: string): void => ctx.emit('stdout', `${line}\n`);
      try {
        const result = await op(ctx, deps, say);
        return { status: 'succeeded', result };
      } catch (e) {
        const error = e instanceof SquallError || e instanceof Error ? e.message : String(e);
        ctx.emit('stderr', `${error}\n`);
        return { status: 'failed', result: { error } };
      }
    },
  };
}
