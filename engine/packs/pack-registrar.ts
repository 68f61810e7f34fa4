import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ActionAlias } from '../model/alias.js';
import type { Store } from '../store/store.js';
import { isDir, isFile } from './pack-files.js';
import { loadPack } from './pack-loader.js';
import type { LoadedPack, PackProblem } from './pack-types.js';

export interface RegisterOptions {
  /** Only these packs (by ref or folder name); the others found in `dirs` are left alone. @default every pack found */
  packs?: string[];
  /**
   * Extra alias check (the aliases module rejects formats its grammar cannot parse). A returned
   * string is the problem; the alias is reported and skipped.
   */
  validateAlias?: (a: ActionAlias) => string | undefined;
}

/** What a registration did, for `squall pack register` and start-up logs. */
export interface RegisterReport {
  /** Refs of the packs registered. */
  packs: string[];
  actions: number;
  aliases: number;
  /** Errors and warnings; a pack whose pack.yaml is broken shows up here and nowhere else. */
  problems: PackProblem[];
}

interface Found {
  dir: string;
  /** Folder problem paths are relative to. */
  root: string;
}

/**
 * Loads packs from disk into the store. Each entry of `dirs` is a packs root (a folder of pack
 * folders) or one pack folder (it has pack.yaml). Valid files of a pack register even when other
 * files of it are broken; actions and aliases of the pack that are no longer valid on disk are
 * removed. A pack whose pack.yaml is missing or broken is skipped and reported.
 *
 * @example const report = await registerPacks(store, [builtinPacksDir(), '/opt/squall/packs'])
 */
export async function registerPacks(store: Store, dirs: string[], opts: RegisterOptions = {}): Promise<RegisterReport> {
  const report: RegisterReport = { packs: [], actions: 0, aliases: 0, problems: [] };
  const wanted = opts.packs ? new Set(opts.packs) : undefined;
  const matched = new Set<string>();
  const registeredFrom = new Map<string, string>();

  for (const found of await findPacks(dirs, report.problems)) {
    const folder = basename(found.dir);
    const loaded = await loadPack(found.dir, { relativeTo: found.root });
    const ref = loaded.pack?.ref ?? folder;
    if (wanted && !wanted.has(ref) && !wanted.has(folder)) continue;
    if (wanted) matched.add(wanted.has(ref) ? ref : folder);
    report.problems.push(...loaded.errors);
    if (!loaded.pack) continue;
    const earlier = registeredFrom.get(ref);
    if (earlier) {
      report.problems.push({
        file: `${folder}/pack.yaml`,
        problem: `pack "${ref}" is also in ${earlier}; the first one found is registered`,
        severity: 'warning',
      });
      continue;
    }
    registeredFrom.set(ref, found.dir);
    await registerOne(store, loaded, opts, report);
  }

  for (const name of wanted ?? []) {
    if (!matched.has(name))
      report.problems.push({ file: dirs.join(', '), problem: `no pack named "${name}" was found` });
  }
  return report;
}

async function registerOne(
  store: Store,
  loaded: LoadedPack,
  opts: RegisterOptions,
  report: RegisterReport,
): Promise<void> {
  const pack = loaded.pack;
  if (!pack) return;
  await store.packs.upsert(pack);
  const actionRefs: string[] = [];
  for (const action of loaded.actions) {
    await store.actions.upsert(action);
    actionRefs.push(action.ref);
  }
  const aliasRefs: string[] = [];
  for (const alias of loaded.aliases) {
    const problem = opts.validateAlias?.(alias);
    if (problem) {
      report.problems.push({ file: `${basename(pack.path)}/${alias.metadata_file ?? ''}`, field: 'formats', problem });
      continue;
    }
    await store.aliases.upsert(alias);
    aliasRefs.push(alias.ref);
  }
  await store.actions.deleteMissing(pack.ref, actionRefs);
  await store.aliases.deleteMissing(pack.ref, aliasRefs);
  report.packs.push(pack.ref);
  report.actions += actionRefs.length;
  report.aliases += aliasRefs.length;
}

/** Pack folders under the given dirs; a folder without pack.yaml inside a root is reported by loadPack. */
async function findPacks(dirs: string[], problems: PackProblem[]): Promise<Found[]> {
  const out: Found[] = [];
  for (const d of dirs) {
    const dir = resolve(d);
    if (await isFile(join(dir, 'pack.yaml'))) {
      out.push({ dir, root: dirname(dir) });
      continue;
    }
    if (!(await isDir(dir))) {
      problems.push({ file: d, problem: 'is neither a pack folder (with pack.yaml) nor a folder of packs' });
      continue;
    }
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && !e.name.startsWith('.')) out.push({ dir: join(dir, e.name), root: dir });
    }
  }
  return out;
}

/**
 * Checks a pack folder (or a folder of packs) without touching a store, for `squall pack validate`.
 *
 * @example for (const p of await validatePackDir('./packs/demo')) console.log(formatProblem(p))
 */
export async function validatePackDir(
  dir: string,
  opts: Pick<RegisterOptions, 'validateAlias'> = {},
): Promise<PackProblem[]> {
  const problems: PackProblem[] = [];
  for (const found of await findPacks([dir], problems)) {
    const loaded = await loadPack(found.dir, { relativeTo: found.root });
    problems.push(...loaded.errors);
    for (const alias of loaded.aliases) {
      const problem = opts.validateAlias?.(alias);
      if (problem)
        problems.push({ file: `${basename(found.dir)}/${alias.metadata_file ?? ''}`, field: 'formats', problem });
    }
  }
  return problems;
}
