import { randomUUID } from 'node:crypto';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SquallError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { JsonObject } from '../../model/json.js';
import type { Store } from '../../store/store.js';
import { isDir, readYaml } from '../pack-files.js';
import type { PackKindKey } from '../pack-kind.js';
import { loadPack } from '../pack-loader.js';
import { type RegisterReport, unregisterPack } from '../pack-registrar.js';
import { formatProblem, isError } from '../pack-types.js';
import { gitCheckout, isGitRepo } from './git-checkout.js';
import { findInIndex } from './pack-index.js';
import { type PackSource, parsePackSource, sourcePackName } from './pack-source.js';

/** Where an installed pack came from, kept next to the installed packs (`<data_dir>/packs/.origins/<ref>.json`). */
export interface PackOrigin {
  /** The spec as given to `pack install`. */
  source: string;
  kind: PackSource['kind'];
  /** The folder or repository URL the pack was taken from. */
  location: string;
  /** The git ref asked for and resolved, and the commit checked out. */
  ref?: string;
  commit?: string;
  installed_at: string;
}

export interface InstallOptions {
  /** Install over a version conflict with an installed dependency. @default false */
  force?: boolean;
  /** Do not install the packs named in `dependencies`. @default false */
  skipDependencies?: boolean;
  /** Do not install requirements.txt into the pack's virtual environment. @default false */
  noDeps?: boolean;
}

/** Sets up a pack's Python environment; the Python part of Squall provides it. */
export type VenvSetup = (pack: { ref: string; dir: string }, opts: { noDeps: boolean }) => Promise<void>;

export interface PackInstallerDeps {
  /** `<data_dir>`: packs go to `<data_dir>/packs/<ref>`. */
  dataDir: string;
  /** `packs.index_url`: StackStorm Exchange-format indexes, earlier ones first. */
  indexUrls: readonly string[];
  store: Store;
  /** Refs of the packs built into Squall, which an install must not replace. */
  builtinRefs: ReadonlySet<string>;
  /** Registers the named packs from the pack folders (the data dir's packs among them). */
  register(packs: string[]): Promise<RegisterReport>;
  /** Creates the pack's virtual environment when it has Python content; absent until Python packs land. */
  setupVenv?: VenvSetup;
  logger: Logger;
}

/** What one installed pack became, for the CLI and `packs.install`'s result. */
export interface InstalledPack {
  ref: string;
  version: string;
  origin: PackOrigin;
  /** Counts per pack kind registered. */
  registered: Partial<Record<PackKindKey, number>>;
  /** Problems registration reported (files skipped and why), as `file: field: problem`. */
  problems: string[];
  warnings: string[];
}

const MAX_DEPTH = 10;

/** The folder holding installed packs' origin files; a dot folder, so the registrar does not take it for a pack. */
export function originsDir(dataDir: string): string {
  return join(dataDir, 'packs', '.origins');
}

/** The origin recorded when `ref` was installed, or undefined for packs not installed by Squall. */
export async function readPackOrigin(dataDir: string, ref: string): Promise<PackOrigin | undefined> {
  try {
    return JSON.parse(await readFile(join(originsDir(dataDir), `${ref}.json`), 'utf8')) as PackOrigin;
  } catch {
    return undefined;
  }
}

/** How `pack list` shows an origin: `git <url>@<ref> (<commit>)`, `folder <path>`, `index <name> → <url>`. */
export function describeOrigin(o: PackOrigin): string {
  const at = o.ref ? `@${o.ref}` : '';
  const commit = o.commit ? ` (${o.commit.slice(0, 7)})` : '';
  if (o.kind === 'dir') return `folder ${o.location}`;
  if (o.kind === 'index') return `index ${o.source.split('=')[0]} → ${o.location}${at}${commit}`;
  return `git ${o.location}${at}${commit}`;
}

/**
 * StackStorm's `packs.install` and `packs.uninstall` for Squall: fetch (folder copy, git clone at a
 * ref, or an index lookup), check pack.yaml, install dependencies first, set up the virtual
 * environment, move into `<data_dir>/packs/<ref>` and register. A failed step leaves the previous
 * install (if any) as it was.
 */
export class PackInstaller {
  constructor(private readonly deps: PackInstallerDeps) {}

  async install(
    specs: readonly string[],
    opts: InstallOptions,
    progress: (line: string) => void,
  ): Promise<InstalledPack[]> {
    if (specs.length === 0) throw new SquallError('SQ_BAD_REQUEST', 'give at least one pack to install');
    const out: InstalledPack[] = [];
    for (const spec of specs) await this.#installOne(parsePackSource(spec), opts, progress, out, []);
    return out;
  }

  async #installOne(
    source: PackSource,
    opts: InstallOptions,
    progress: (line: string) => void,
    out: InstalledPack[],
    chain: string[],
  ): Promise<void> {
    const work = join(this.deps.dataDir, 'tmp', `pack-${randomUUID()}`);
    const fetched = join(work, sourcePackName(source) || 'pack');
    await mkdir(work, { recursive: true });
    try {
      progress(`Downloading ${source.spec}`);
      const origin = await this.#fetch(source, fetched);
      const loaded = await loadPack(fetched, { relativeTo: work });
      const pack = loaded.pack;
      if (!pack) {
        const why = loaded.errors.filter(isError).map(formatProblem).join('; ');
        throw new SquallError('SQ_PACK_INVALID', `${source.spec} is not a valid pack: ${why}`);
      }
      const ref = pack.ref;
      if (this.deps.builtinRefs.has(ref))
        throw new SquallError('SQ_PACK_INVALID', `pack "${ref}" is built into Squall and cannot be replaced`);
      if (chain.includes(ref)) return;
      const warnings = await packYamlWarnings(join(fetched, 'pack.yaml'), ref);
      for (const w of warnings) progress(`Warning: ${w}`);
      if (!opts.skipDependencies)
        await this.#dependencies(pack.dependencies ?? [], ref, opts, progress, out, [...chain, ref]);
      await this.#place(ref, fetched, work, origin, async (dir) => {
        if (this.deps.setupVenv) {
          progress(`Setting up the virtual environment of ${ref}${opts.noDeps ? ' (requirements skipped)' : ''}`);
          await this.deps.setupVenv({ ref, dir }, { noDeps: opts.noDeps === true });
        }
        progress(`Registering ${ref}`);
        const report = await this.deps.register([ref]);
        if (!report.packs.includes(ref)) {
          const why = report.problems.filter(isError).map(formatProblem).join('; ');
          throw new SquallError('SQ_PACK_INVALID', `pack "${ref}" could not be registered: ${why}`);
        }
        const registered: Partial<Record<PackKindKey, number>> = {};
        for (const k of ['actions', 'aliases', 'rules', 'sensors', 'triggers'] as const) registered[k] = report[k];
        const problems = report.problems.map(formatProblem);
        for (const p of problems) progress(`  ${p}`);
        progress(`Installed ${ref} ${pack.version}: ${countsText(registered)}`);
        out.push({ ref, version: pack.version, origin, registered, problems, warnings });
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  async #fetch(source: PackSource, dest: string): Promise<PackOrigin> {
    const at = new Date().toISOString();
    if (source.kind === 'dir') {
      await copyFolder(source.path, dest);
      return { source: source.spec, kind: 'dir', location: source.path, installed_at: at };
    }
    if (source.kind === 'index') {
      const entry = await findInIndex(this.deps.indexUrls, source.name);
      // StackStorm installs an index pack at its listed version (the tag v<version>) unless told otherwise.
      const ref = source.ref ?? (typeof entry.version === 'string' ? entry.version : undefined);
      const got = await gitCheckout(entry.repo_url, dest, ref);
      return { source: source.spec, kind: 'index', location: entry.repo_url, ...got, installed_at: at };
    }
    if (source.url.startsWith('file://')) {
      const path = fileURLToPath(source.url);
      if (!(await isDir(path))) throw new SquallError('SQ_PACK_INVALID', `${source.url}: no such folder`);
      if (!(await isGitRepo(path))) {
        if (source.ref !== undefined)
          throw new SquallError(
            'SQ_PACK_INVALID',
            `${source.url} is not a git repository, so "=${source.ref}" cannot be checked out`,
          );
        await copyFolder(path, dest);
        return { source: source.spec, kind: 'dir', location: path, installed_at: at };
      }
    }
    const got = await gitCheckout(source.url, dest, source.ref);
    return { source: source.spec, kind: 'git', location: source.url, ...got, installed_at: at };
  }

  async #dependencies(
    deps: readonly string[],
    of: string,
    opts: InstallOptions,
    progress: (line: string) => void,
    out: InstalledPack[],
    chain: string[],
  ): Promise<void> {
    if (deps.length === 0) return;
    if (chain.length > MAX_DEPTH)
      throw new SquallError(
        'SQ_PACK_INVALID',
        `dependencies nest deeper than ${MAX_DEPTH} packs (${chain.join(' → ')})`,
      );
    for (const dep of deps) {
      const source = parsePackSource(dep);
      const name = sourcePackName(source);
      if (chain.includes(name) || out.some((p) => p.ref === name)) continue;
      const installed = (await this.deps.store.packs.get(name)) ?? undefined;
      if (installed) {
        const wanted = 'ref' in source ? source.ref : undefined;
        if (wanted && !sameVersion(wanted, installed.version) && !opts.force)
          throw new SquallError(
            'SQ_CONFLICT',
            `dependency conflict: ${of} needs ${name} ${wanted}, but ${name} ${installed.version} is installed (use force to install anyway)`,
          );
        progress(`Dependency ${name} ${installed.version} of ${of} is already installed`);
        continue;
      }
      progress(`Installing ${dep}, a dependency of ${of}`);
      await this.#installOne(source, opts, progress, out, chain);
    }
  }

  /** Moves the fetched pack into place, runs `then`, and restores the previous install if `then` fails. */
  async #place(
    ref: string,
    fetched: string,
    work: string,
    origin: PackOrigin,
    then: (dir: string) => Promise<void>,
  ): Promise<void> {
    const target = join(this.deps.dataDir, 'packs', ref);
    const backup = join(work, `previous-${ref}`);
    const originFile = join(originsDir(this.deps.dataDir), `${ref}.json`);
    const previousOrigin = await readFile(originFile, 'utf8').catch(() => undefined);
    await mkdir(originsDir(this.deps.dataDir), { recursive: true });
    const hadPrevious = await isDir(target);
    if (hadPrevious) await rename(target, backup);
    await rename(fetched, target);
    await writeFile(originFile, `${JSON.stringify(origin, null, 2)}\n`);
    try {
      await then(target);
    } catch (e) {
      await rm(target, { recursive: true, force: true });
      if (hadPrevious) {
        await rename(backup, target);
        if (previousOrigin !== undefined) await writeFile(originFile, previousOrigin);
        await this.deps.register([ref]).catch(() => undefined);
      } else {
        await rm(originFile, { force: true });
        await unregisterPack(this.deps.store, ref);
      }
      throw e;
    }
  }

  /**
   * StackStorm's `packs.unload`: unregisters each pack (every kind of content); its files stay, so
   * `packs.load` registers it again.
   */
  async unload(refs: readonly string[], progress: (line: string) => void): Promise<JsonObject> {
    if (refs.length === 0) throw new SquallError('SQ_BAD_REQUEST', 'give at least one pack to unload');
    const out: JsonObject = {};
    for (const ref of refs) {
      if (this.deps.builtinRefs.has(ref))
        throw new SquallError('SQ_PACK_INVALID', `pack "${ref}" is built into Squall and cannot be unloaded`);
      if (!(await this.deps.store.packs.get(ref)))
        throw new SquallError('SQ_PACK_NOT_FOUND', `pack "${ref}" is not registered`);
      const removed = await unregisterPack(this.deps.store, ref);
      progress(`Unloaded ${ref}: ${countsText(removed)}`);
      out[ref] = removed;
    }
    return out;
  }

  /**
   * StackStorm's `packs.uninstall`: unregisters each pack (every kind of content) and deletes its
   * folder and virtual environment; its config file (`<data_dir>/configs/<pack>.yaml`) stays.
   */
  async uninstall(refs: readonly string[], progress: (line: string) => void): Promise<JsonObject> {
    if (refs.length === 0) throw new SquallError('SQ_BAD_REQUEST', 'give at least one pack to remove');
    const out: JsonObject = {};
    for (const ref of refs) {
      if (this.deps.builtinRefs.has(ref))
        throw new SquallError('SQ_PACK_INVALID', `pack "${ref}" is built into Squall and cannot be removed`);
      const dir = join(this.deps.dataDir, 'packs', ref);
      const registered = await this.deps.store.packs.get(ref);
      const installed = await isDir(dir);
      if (!installed && registered)
        throw new SquallError(
          'SQ_PACK_INVALID',
          `pack "${ref}" is loaded from ${registered.path} (packs.paths), not installed with squall pack install; remove it there`,
        );
      if (!installed) throw new SquallError('SQ_PACK_NOT_FOUND', `pack "${ref}" is not installed`);
      progress(`Unregistering ${ref}`);
      const removed = await unregisterPack(this.deps.store, ref);
      progress(`Deleting ${dir}`);
      await rm(dir, { recursive: true, force: true });
      await rm(join(originsDir(this.deps.dataDir), `${ref}.json`), { force: true });
      await rm(join(this.deps.dataDir, 'virtualenvs', ref), { recursive: true, force: true });
      progress(`Removed ${ref}: ${countsText(removed)}`);
      out[ref] = removed;
    }
    return out;
  }
}

async function copyFolder(from: string, to: string): Promise<void> {
  if (!(await isDir(from))) throw new SquallError('SQ_PACK_INVALID', `${from}: no such folder`);
  await cp(from, to, { recursive: true, filter: (src) => !/[\\/]\.git$/.test(src) });
}

/** pack.yaml fields Squall reads but does not enforce, each a warning naming what it means here. */
async function packYamlWarnings(file: string, ref: string): Promise<string[]> {
  const read = await readYaml(file);
  if (!read.ok || typeof read.data !== 'object' || read.data === null) return [];
  const m = read.data as Record<string, unknown>;
  const out: string[] = [];
  const py = m.python_versions;
  if (py !== undefined) {
    const versions = (Array.isArray(py) ? py : [py]).map(String);
    if (!versions.some((v) => v.startsWith('3')))
      out.push(
        `${ref} declares python_versions ${versions.join(', ')}; Squall runs Python 3, so its Python code may not work`,
      );
  }
  if (m.stackstorm_version !== undefined)
    out.push(
      `${ref} asks for stackstorm_version ${String(m.stackstorm_version)}; it is not checked (Squall is not StackStorm)`,
    );
  return out;
}

function sameVersion(a: string, b: string): boolean {
  return a.replace(/^v/, '') === b.replace(/^v/, '');
}

function countsText(counts: Partial<Record<string, number>>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([k, n]) => `${n} ${n === 1 ? k.replace(/s$/, '') : k}`);
  return parts.length ? parts.join(', ') : 'no content';
}
