import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Pack } from '../model/action.js';
import type { CatalogRepo } from '../store/catalog-repo.js';
import type { Store } from '../store/store.js';
import { isDir, isFile } from './pack-files.js';
import type { PackChecks, PackItemOf, PackKind, PackKindKey } from './pack-kind.js';
import { PACK_KINDS } from './pack-kinds.js';
import { loadPack } from './pack-loader.js';
import { isError, type LoadedPack, type PackProblem } from './pack-types.js';

export interface RegisterOptions extends PackChecks {
  /** Only these packs (by ref or folder name); the others found in `dirs` are left alone. @default every pack found */
  packs?: string[];
  /** Where a pack came from, stored on it (`pack list` shows it). */
  origin?(pack: Pack): Promise<string | undefined>;
  /**
   * Runs before anything of a pack is stored (its Python environment, say). Throwing refuses the pack:
   * nothing of it is registered, the error is one of `problems` and the pack is listed in `refused`.
   */
  prepare?: (pack: Pack, dir: string) => Promise<void>;
  /** Problems of the pack's config file against its schema, reported once the pack is stored. */
  configProblems?(pack: string): Promise<PackProblem[]>;
}

/** What a caller asks of a registration (`squall pack register`, `setup-venv`, start-up). */
export interface RegisterRequest {
  /** Only these packs. @default every pack */
  packs?: string[];
  /** Do not install packs' requirements.txt (`--no-deps`); their environments are still made. */
  noDeps?: boolean;
  /** Install requirements.txt even when unchanged since the last install (`squall pack setup-venv`). */
  forceVenv?: boolean;
}

/** What a registration did, for `squall pack register` and start-up logs. */
export interface RegisterReport extends Record<PackKindKey, number> {
  /** Refs of the packs registered. */
  packs: string[];
  /** Errors and warnings; a pack whose pack.yaml is broken shows up here and nowhere else. */
  problems: PackProblem[];
  /** Refs of the packs `prepare` refused (nothing of them registered). */
  refused: string[];
}

interface Found {
  dir: string;
  /** Folder problem paths are relative to. */
  root: string;
}

/**
 * Loads packs from disk into the store. Each entry of `dirs` is a packs root (a folder of pack
 * folders) or one pack folder (it has pack.yaml). Valid files of a pack register even when other
 * files of it are broken; actions and aliases that came from the pack's files and are no longer
 * valid on disk are removed, while those created through the API (no `metadata_file`) stay. A pack whose pack.yaml is missing or broken is skipped and reported.
 *
 * @example const report = await registerPacks(store, [builtinPacksDir(), '/opt/squall/packs'])
 */
export async function registerPacks(store: Store, dirs: string[], opts: RegisterOptions = {}): Promise<RegisterReport> {
  const report: RegisterReport = { ...zeroCounts(), packs: [], problems: [], refused: [] };
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
    if (opts.prepare) {
      try {
        await opts.prepare(loaded.pack, found.dir);
      } catch (e) {
        report.refused.push(ref);
        report.problems.push({
          file: `${folder}/pack.yaml`,
          problem: `pack ${ref} not registered: ${(e as Error).message}`,
        });
        continue;
      }
    }
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
  const origin = await opts.origin?.(pack);
  if (origin) pack.origin = origin;
  await store.packs.upsert(pack);
  // Stale items go only once every kind is stored: a failure half way leaves the old ones in place.
  const kept = [];
  for (const kind of PACK_KINDS) kept.push(await upsertKind(store, kind, loaded, opts, report));
  for (const k of kept) await k.deleteMissing(pack.ref);
  report.packs.push(pack.ref);
  for (const k of kept) report[k.key] += k.count;
  if (opts.configProblems) {
    try {
      report.problems.push(...(await opts.configProblems(pack.ref)));
    } catch (e) {
      report.problems.push({ file: `${pack.ref} config`, problem: (e as Error).message });
    }
  }
}

function zeroCounts(): Record<PackKindKey, number> {
  return Object.fromEntries(PACK_KINDS.map((k) => [k.key, 0])) as Record<PackKindKey, number>;
}

/** Stores a pack's valid items of one kind; returns how to prune the ones no longer there. */
async function upsertKind<K extends PackKindKey>(
  store: Store,
  kind: PackKind<K>,
  loaded: LoadedPack,
  checks: PackChecks,
  report: RegisterReport,
): Promise<{ key: K; count: number; deleteMissing: (pack: string) => Promise<number> }> {
  const repo = kind.repo(store);
  const refs: string[] = [];
  const items: PackItemOf<K>[] = loaded[kind.key];
  for (const item of items) {
    const problem = checkItem(kind, item, checks, loaded.pack?.path ?? '');
    if (problem) report.problems.push(problem);
    if (problem && isError(problem)) continue;
    await repo.upsert(item);
    refs.push(item.ref);
  }
  return { key: kind.key, count: refs.length, deleteMissing: (pack) => pruneFileItems(repo, pack, refs) };
}

/**
 * Deletes the items of a pack that came from its files (they have a `metadata_file`) and are no
 * longer there. Items created through the API have none, so a re-register leaves them alone.
 */
async function pruneFileItems<T extends { ref: string; metadata_file?: string }>(
  repo: CatalogRepo<T & { id: string }>,
  pack: string,
  keep: readonly string[],
): Promise<number> {
  const kept = new Set(keep);
  const stale: string[] = [];
  const pageSize = 500;
  for (let offset = 0; ; offset += pageSize) {
    const page = await repo.list({ pack, limit: pageSize, offset });
    for (const item of page.items) if (item.metadata_file && !kept.has(item.ref)) stale.push(item.ref);
    if (page.items.length < pageSize) break;
  }
  let deleted = 0;
  for (const ref of stale) if (await repo.delete(ref)) deleted++;
  return deleted;
}

function checkItem<K extends PackKindKey>(
  kind: PackKind<K>,
  item: PackItemOf<K>,
  checks: PackChecks,
  packDir: string,
): PackProblem | undefined {
  const p = kind.check?.(item, checks);
  return p ? { file: `${basename(packDir)}/${item.metadata_file ?? ''}`, ...p } : undefined;
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
export async function validatePackDir(dir: string, opts: PackChecks = {}): Promise<PackProblem[]> {
  const problems: PackProblem[] = [];
  for (const found of await findPacks([dir], problems)) {
    const loaded = await loadPack(found.dir, { relativeTo: found.root });
    problems.push(...loaded.errors);
    for (const kind of PACK_KINDS) problems.push(...checkKind(kind, loaded, opts, found.dir));
  }
  return problems;
}

function checkKind<K extends PackKindKey>(
  kind: PackKind<K>,
  loaded: LoadedPack,
  checks: PackChecks,
  packDir: string,
): PackProblem[] {
  const items: PackItemOf<K>[] = loaded[kind.key];
  return items.flatMap((item) => checkItem(kind, item, checks, packDir) ?? []);
}

/**
 * Removes a pack and everything registered from it (every pack kind, StackStorm's `packs.unload`);
 * its folder and config file are left to the caller. Returns what was removed per kind.
 */
export async function unregisterPack(store: Store, ref: string): Promise<Record<PackKindKey, number>> {
  const removed = zeroCounts();
  for (const kind of PACK_KINDS) removed[kind.key] = await kind.repo(store).deleteMissing(ref, []);
  await store.packs.delete(ref);
  return removed;
}
