import type { z } from 'zod';
import { issueTexts } from '../../lib/zod-issues.js';
import type { CatalogRepo } from '../store/catalog-repo.js';
import type { Store } from '../store/store.js';
import { issueMessage } from './pack-issues.js';
import type { PackContents, PackProblem } from './pack-types.js';

/** A problem inside one file; the loop that read the file adds its path. */
export type FileProblem = Omit<PackProblem, 'file'>;

/** A pack kind's key in the table, in LoadedPack and in RegisterReport, e.g. `actions`. */
export type PackKindKey = keyof PackContents;

/** The model a pack kind builds, e.g. Action for `actions`. */
export type PackItemOf<K extends PackKindKey> = PackContents[K][number];

/** Where a file being built came from. */
export interface BuildContext {
  /** The ref of the pack being loaded (wins over a `pack` the file declares). */
  pack: string;
  /** The pack's folder, for checks of files an item points at (entry points). */
  packDir: string;
  /** The file's path inside the pack, e.g. `actions/local.yaml`. */
  metadataFile: string;
}

export interface Built<T> {
  /** Absent when the file has errors. */
  item?: T;
  problems: FileProblem[];
}

/** Checks that need more than the pack itself, supplied by whoever registers or validates. */
export interface PackChecks {
  /**
   * Extra alias check (the aliases module rejects formats its grammar cannot parse). A returned
   * string is the problem; the alias is reported and skipped.
   */
  validateAlias?: (a: PackItemOf<'aliases'>) => string | undefined;
  /**
   * Whether Squall has an action's runner (engine/runners/runner-types.ts). An action whose runner it
   * lacks is registered with a warning, `runner X is not supported`, and fails with that when run.
   */
  runnerSupported?: (runnerType: string) => boolean;
}

type FileShape = { name: string; pack?: string | undefined };

/**
 * How one kind of pack content is read from its folder, built into a model and stored. `M` is the
 * shape of one file as its schema gives it.
 */
export interface PackKindSpec<K extends PackKindKey, M extends FileShape> {
  readonly key: K;
  /** The pack's folder holding one YAML file per item, e.g. `actions`. */
  readonly folder: string;
  /** The noun in messages, e.g. `duplicate action name`. */
  readonly label: string;
  /** What a file must be, after `must be a mapping`, e.g. `an action definition`. */
  readonly definition: string;
  /** The shape of one file. */
  readonly schema: z.ZodType<M>;
  /** The problem for a top-level key the kind does not know (undefined: allowed). */
  unknownKey(key: string): FileProblem | undefined;
  /** Turns a file that matched the schema into the model; may still refuse it with a problem. */
  build(file: M, ctx: BuildContext): Built<PackItemOf<K>> | Promise<Built<PackItemOf<K>>>;
  /** Where items of this kind are stored. */
  repo(store: Store): CatalogRepo<PackItemOf<K>>;
  /** A check that needs more than the pack (run at registration and validation). */
  check?(item: PackItemOf<K>, checks: PackChecks): FileProblem | undefined;
}

/**
 * One row of the pack-kind table (pack-kinds.ts), as the loader and the registrar see it: they
 * iterate the table, so a new kind is a new row, not another copy of their loops.
 */
export interface PackKind<K extends PackKindKey> {
  readonly key: K;
  readonly folder: string;
  readonly label: string;
  readonly schema: z.ZodType;
  /** Checks and builds one file's YAML; warnings travel with the item, errors leave it out. */
  read(data: unknown, ctx: BuildContext): Promise<Built<PackItemOf<K>>>;
  repo(store: Store): CatalogRepo<PackItemOf<K>>;
  check?(item: PackItemOf<K>, checks: PackChecks): FileProblem | undefined;
}

/** A table row from a kind's spec: the common file checks (parseKindFile), then the kind's builder. */
export function definePackKind<K extends PackKindKey, M extends FileShape>(spec: PackKindSpec<K, M>): PackKind<K> {
  return {
    key: spec.key,
    folder: spec.folder,
    label: spec.label,
    schema: spec.schema,
    async read(data, ctx) {
      const { file, problems } = parseKindFile(spec, data, ctx.pack);
      if (!file) return { problems };
      const built = await spec.build(file, ctx);
      return { ...built, problems: [...problems, ...built.problems] };
    },
    repo: (store) => spec.repo(store),
    ...(spec.check ? { check: (item, checks) => spec.check?.(item, checks) } : {}),
  };
}

/**
 * The steps every kind's file goes through before its own builder: a mapping, known keys, the
 * schema, and a `pack` that agrees with the folder's. Warnings travel on; an error stops the file.
 */
export function parseKindFile<K extends PackKindKey, M extends FileShape>(
  kind: PackKindSpec<K, M>,
  data: unknown,
  pack: string,
): { file?: M; problems: FileProblem[] } {
  if (!isPlainObject(data)) return { problems: [{ problem: `must be a mapping (${kind.definition})` }] };
  const problems: FileProblem[] = [];
  for (const key of Object.keys(data)) {
    const p = kind.unknownKey(key);
    if (p) problems.push(p);
  }
  const parsed = kind.schema.safeParse(data, { error: issueMessage });
  if (!parsed.success) return { problems: [...problems, ...issueTexts(parsed.error.issues)] };
  if (problems.some((p) => p.severity !== 'warning')) return { problems };
  const mismatch = packMismatch(parsed.data.pack, pack);
  if (mismatch) problems.push(mismatch);
  return { file: parsed.data, problems };
}

/** The warning for a file whose `pack` names another pack than the folder it was loaded from. */
function packMismatch(declared: string | undefined, pack: string): FileProblem | undefined {
  if (declared === undefined || declared === pack) return undefined;
  return {
    field: 'pack',
    problem: `"${declared}" differs from the pack's ref "${pack}"; using "${pack}"`,
    severity: 'warning',
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
