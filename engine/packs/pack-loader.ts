import { basename, dirname, join, relative, resolve } from 'node:path';
import { issueTexts } from '../../lib/zod-issues.js';
import { newId } from '../ids.js';
import type { Pack } from '../model/action.js';
import type { JsonObject } from '../model/json.js';
import { checkConfigSchema } from './config/config-check.js';
import { declaredTriggerTypes } from './kinds/sensor-kind.js';
import { PackFileSchema } from './pack-file-schema.js';
import { isFile, listPackFiles, readYaml, yamlFilesIn } from './pack-files.js';
import { issueMessage } from './pack-issues.js';
import type { PackItemOf, PackKind, PackKindKey } from './pack-kind.js';
import { PACK_KINDS } from './pack-kinds.js';
import type { LoadedPack, PackContents, PackProblem } from './pack-types.js';

export type { LoadedPack } from './pack-types.js';

export interface LoadPackOptions {
  /** Folder that problem paths are relative to. @default the folder holding the pack */
  relativeTo?: string;
}

/**
 * Reads one pack folder: pack.yaml, the folder of each pack kind (pack-kinds.ts: actions/*.yaml,
 * aliases/*.yaml) and config.schema.yaml. Never throws for bad content: a bad file is reported and
 * skipped, and a missing or invalid pack.yaml leaves `pack` unset (the pack must not be registered).
 *
 * @example const { pack, actions, errors } = await loadPack('/opt/squall/packs/demo')
 */
export async function loadPack(dir: string, opts: LoadPackOptions = {}): Promise<LoadedPack> {
  const root = resolve(dir);
  const base = resolve(opts.relativeTo ?? dirname(root));
  const rel = (path: string): string => relative(base, path).split('\\').join('/');
  const errors: PackProblem[] = [];
  const out: LoadedPack = { ...emptyContents(), errors };

  const packFile = join(root, 'pack.yaml');
  const pack = await loadPackFile(root, packFile, rel(packFile), errors);
  if (!pack) return out;
  out.pack = pack;

  for (const kind of PACK_KINDS) await loadKind(kind, { root, pack: pack.ref, rel, errors, out });
  addSensorTriggerTypes(out, rel(join(root, 'sensors')));

  const schemaFile = join(root, 'config.schema.yaml');
  if (await isFile(schemaFile)) {
    const read = await readYaml(schemaFile);
    if (!read.ok) errors.push({ file: rel(schemaFile), problem: read.problem });
    else if (!isPlainObject(read.data))
      errors.push({ file: rel(schemaFile), problem: 'must be a mapping of option names to schemas' });
    else {
      out.configSchema = read.data as JsonObject;
      for (const p of checkConfigSchema(out.configSchema)) errors.push({ file: rel(schemaFile), ...p });
    }
  }
  return out;
}

/** Trigger types a sensor file declares join the pack's, unless triggers/*.yaml has one of that name. */
function addSensorTriggerTypes(out: LoadedPack, sensorsDir: string): void {
  const names = new Set(out.triggers.map((t) => t.name));
  for (const sensor of out.sensors) {
    for (const t of declaredTriggerTypes.get(sensor) ?? []) {
      if (names.has(t.name)) {
        out.errors.push({
          file: `${sensorsDir}/${sensor.metadata_file?.replace(/^sensors\//, '') ?? ''}`,
          field: 'trigger_types',
          problem: `trigger type "${t.name}" is declared twice; the first declaration is kept`,
          severity: 'warning',
        });
        continue;
      }
      names.add(t.name);
      out.triggers.push(t);
    }
  }
}

function emptyContents(): PackContents {
  return Object.fromEntries(PACK_KINDS.map((k) => [k.key, []])) as Record<PackKindKey, never[]>;
}

/** Reads `<pack>/<kind folder>/*.yaml`: a bad file is reported and skipped, a duplicate name too. */
async function loadKind<K extends PackKindKey>(
  kind: PackKind<K>,
  at: { root: string; pack: string; rel: (path: string) => string; errors: PackProblem[]; out: PackContents },
): Promise<void> {
  const { root, rel, errors } = at;
  const items: PackItemOf<K>[] = at.out[kind.key];
  const seen = new Map<string, string>();
  for (const name of await yamlFilesIn(join(root, kind.folder))) {
    const file = `${kind.folder}/${name}`;
    const read = await readYaml(join(root, file));
    if (!read.ok) {
      errors.push({ file: rel(join(root, file)), problem: read.problem });
      continue;
    }
    const built = await kind.read(read.data, { pack: at.pack, packDir: root, metadataFile: file });
    for (const p of built.problems) errors.push({ file: rel(join(root, file)), ...p });
    if (!built.item) continue;
    const other = seen.get(built.item.name);
    if (other) {
      errors.push({
        file: rel(join(root, file)),
        field: 'name',
        problem: `duplicate ${kind.label} name "${built.item.name}" (also in ${other})`,
      });
      continue;
    }
    seen.set(built.item.name, file);
    items.push(built.item);
  }
}

async function loadPackFile(
  root: string,
  path: string,
  file: string,
  errors: PackProblem[],
): Promise<Pack | undefined> {
  if (!(await isFile(path))) {
    errors.push({ file, problem: `missing pack.yaml: ${basename(root)} is not a pack folder` });
    return undefined;
  }
  const read = await readYaml(path);
  if (!read.ok) {
    errors.push({ file, problem: read.problem });
    return undefined;
  }
  const parsed = PackFileSchema.safeParse(read.data, { error: issueMessage });
  if (!parsed.success) {
    for (const p of issueTexts(parsed.error.issues)) errors.push({ file, ...p });
    return undefined;
  }
  const m = parsed.data;
  const ref = m.ref ?? m.name;
  if (!/^[a-z0-9_]+$/.test(ref)) {
    errors.push({ file, field: 'name', problem: `"${ref}" is not a valid pack ref (^[a-z0-9_]+$); add a ref` });
    return undefined;
  }
  if (ref === '_global') {
    errors.push({ file, field: m.ref ? 'ref' : 'name', problem: '"_global" is reserved' });
    return undefined;
  }
  // StackStorm requires these three; real packs sometimes get them slightly wrong, so warn and go on.
  const warn = (field: string, problem: string): void => {
    errors.push({ file, field, problem, severity: 'warning' });
  };
  if (!m.description) warn('description', 'is required');
  if (!m.author) warn('author', 'is required');
  let version = m.version ?? '';
  if (!version) warn('version', 'is required');
  // StackStorm normalises 0.1 to 0.1.0; YAML also reads an unquoted 1.0 as the number 1.
  else if (/^\d+\.\d+$/.test(version)) version = `${version}.0`;
  else if (/^\d+$/.test(version)) version = `${version}.0.0`;
  else if (!/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/.test(version))
    warn('version', `"${version}" is not a semantic version (x.y.z)`);

  const pack: Pack = {
    id: newId(),
    uid: `pack:${ref}`,
    ref,
    name: m.name,
    description: m.description ?? '',
    version: version || '0.0.0',
    author: m.author ?? '',
    path: root,
    files: await listPackFiles(root),
  };
  if (m.email) pack.email = m.email;
  if (m.keywords) pack.keywords = m.keywords;
  if (m.dependencies) pack.dependencies = m.dependencies;
  return pack;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
