import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePyYaml } from '../../lib/pyyaml.js';
import { secretStrings } from '../actions/param-secrets.js';
import type { KeyLookup } from '../datastore/kv-lookup.js';
import { collectKvRefs, loadKvContext } from '../datastore/kv-template-context.js';
import { SquallError } from '../errors.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { Store } from '../store/store.js';
import { renderDeep } from '../templates/templates.js';
import { checkPackConfig, secretConfigPaths, withConfigDefaults } from './config/config-check.js';
import { formatProblem, type PackProblem } from './pack-types.js';

export interface PackConfigDeps {
  store: Store;
  /** Where site configs live: `<dir>/<pack>.yaml` (StackStorm's /opt/stackstorm/configs). */
  configsDir: string;
  /** The datastore, for config values that are templates (`"{{ st2kv.system.api_url }}"`). */
  kv?: KeyLookup;
  decrypt?: (stored: string) => string;
}

/** A pack's config file and schema as read from disk, and what is wrong with the file. */
export interface PackConfigFiles {
  file: string;
  /** The file's values; `{}` when there is no file. */
  given: JsonObject;
  /** The items of `config.schema.yaml`; `{}` when the pack has none. */
  schema: JsonObject;
  /** Problems of the config against the schema; none when valid. */
  problems: PackProblem[];
}

/**
 * Reads `<configsDir>/<pack>.yaml` and the registered pack's `config.schema.yaml`, and checks the
 * one against the other (types, required, enum, nested objects; see config-check.ts).
 *
 * @throws SquallError SQ_PACK_INVALID when a file is not YAML or not a mapping
 */
export async function readPackConfig(deps: PackConfigDeps, pack: string): Promise<PackConfigFiles> {
  const file = join(deps.configsDir, `${pack}.yaml`);
  const given = (await readMapping(file)) ?? {};
  const registered = await deps.store.packs.get(pack);
  const schema = registered ? ((await readMapping(join(registered.path, 'config.schema.yaml'))) ?? {}) : {};
  const problems = checkPackConfig(schema, given).map((p) => ({ file, ...p }));
  return { file, given, schema, problems };
}

/** What a pack's actions fail with while its config does not match its schema. */
export function invalidConfigMessage(pack: string, problems: readonly PackProblem[]): string {
  return `the config of pack "${pack}" is invalid: ${problems.map(formatProblem).join('; ')}`;
}

/**
 * A pack's configuration as actions (`config_context`, `self.config`) and sensors see it: the values
 * of `<configsDir>/<pack>.yaml`, string values that are templates rendered with `st2kv` (an option
 * marked `secret: true` that names one encrypted key, `{{ st2kv.system.x }}`, is decrypted), then the schema's defaults for absent keys, nested objects included. A pack
 * without either file has the config `{}`.
 *
 * @throws SquallError SQ_PACK_INVALID when a file is not YAML or not a mapping, the config does not
 *   match the schema (the message names the file, the key and the problem), or a value cannot be rendered
 */
export async function loadPackConfig(deps: PackConfigDeps, pack: string, user?: string): Promise<JsonObject> {
  const { file, given, schema, problems } = await readPackConfig(deps, pack);
  if (problems.length > 0) throw new SquallError('SQ_PACK_INVALID', invalidConfigMessage(pack, problems));
  const text = JSON.stringify(given);
  let rendered: JsonObject = given;
  if (text.includes('{{') || text.includes('{%')) {
    const kv = await loadKvContext(collectKvRefs(text), deps.kv, user);
    try {
      rendered = renderDeep(given, { st2kv: kv.st2kv }, deps.decrypt ? { decrypt: deps.decrypt } : {}) as JsonObject;
    } catch (e) {
      throw new SquallError(
        'SQ_PACK_INVALID',
        `${file}: a value cannot be rendered: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  return withConfigDefaults(schema, decryptSecretRefs(schema, given, rendered, deps.decrypt));
}

/**
 * The rendered values of a pack's `secret: true` options, for masking in what its actions print and
 * return, as StackStorm hides them. A pack without a config file costs one stat (cached reads, as for
 * the config check before every run) and nothing more: the hot path of `core.noop`.
 *
 * @throws SquallError SQ_PACK_INVALID as loadPackConfig does
 */
export async function packConfigSecrets(deps: PackConfigDeps, pack: string, user?: string): Promise<string[]> {
  // Without a file the config is the schema's defaults: published with the pack, so nothing to hide.
  if ((await readMapping(join(deps.configsDir, `${pack}.yaml`))) === undefined) return [];
  const { schema, problems } = await readPackConfig(deps, pack);
  const paths = secretConfigPaths(schema);
  // An invalid config refuses the run before any action sees it.
  if (paths.length === 0 || problems.length > 0) return [];
  const config = await loadPackConfig(deps, pack, user);
  return secretStrings(paths.map((path) => valueAt(config, path.split('.'))));
}

const SINGLE_KV_REF = /^\{\{\s*st2kv\.(?:system|user)\.[\w.]+\s*\}\}$/;

/**
 * A secret option written as one datastore key (`{{ st2kv.system.x }}`) gets the key's plain text
 * when the key is stored encrypted, as StackStorm decrypts secret options; a key stored in clear
 * keeps its value.
 */
function decryptSecretRefs(
  schema: JsonObject,
  given: JsonObject,
  rendered: JsonObject,
  decrypt: ((stored: string) => string) | undefined,
): JsonObject {
  if (!decrypt) return rendered;
  let out = rendered;
  for (const path of secretConfigPaths(schema)) {
    const keys = path.split('.');
    const source = valueAt(given, keys);
    const value = valueAt(rendered, keys);
    if (typeof source !== 'string' || !SINGLE_KV_REF.test(source) || typeof value !== 'string' || value === '')
      continue;
    let plain: string;
    try {
      plain = decrypt(value);
    } catch {
      continue;
    }
    out = withValueAt(out, keys, plain);
  }
  return out;
}

function valueAt(o: JsonObject, keys: readonly string[]): JsonValue | undefined {
  let at: JsonValue | undefined = o;
  for (const k of keys) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
    at = at[k];
  }
  return at;
}

function withValueAt(o: JsonObject, keys: readonly string[], v: JsonValue): JsonObject {
  const [k, ...rest] = keys as [string, ...string[]];
  const inner = o[k];
  if (rest.length === 0) return { ...o, [k]: v };
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return o;
  return { ...o, [k]: withValueAt(inner, rest, v) };
}

/**
 * Files read, by path, with the stat they were read at. A config is checked before every run of its
 * pack's actions, and opening two files (usually absent: ENOENT) per execution was a fifth of the
 * CPU of a no-op execution; a stat answers whether the file changed, and an edit is still seen at
 * the next run.
 */
const mappings = new Map<string, { stamp: string; doc: JsonObject | undefined }>();

function stampOf(file: string): string | undefined {
  try {
    const st = statSync(file, { throwIfNoEntry: false, bigint: true });
    return st === undefined ? 'absent' : `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return undefined; // not stat-able: read it, and let the read say why
  }
}

async function readMapping(file: string): Promise<JsonObject | undefined> {
  const stamp = stampOf(file);
  const known = mappings.get(file);
  if (stamp !== undefined && known?.stamp === stamp)
    return known.doc === undefined ? undefined : structuredClone(known.doc);
  const doc = await readMappingNow(file);
  if (stamp !== undefined) {
    if (mappings.size >= 1024) mappings.delete(mappings.keys().next().value as string);
    mappings.set(file, { stamp, doc: doc === undefined ? undefined : structuredClone(doc) });
  }
  return doc;
}

async function readMappingNow(file: string): Promise<JsonObject | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SquallError('SQ_PACK_INVALID', `${file} cannot be read: ${(e as Error).message}`);
  }
  const read = parsePyYaml(text);
  if (!read.ok) throw new SquallError('SQ_PACK_INVALID', `${file} is not valid YAML: ${read.message}`);
  const doc = read.data;
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new SquallError('SQ_PACK_INVALID', `${file} must be a mapping`);
  return doc as JsonObject;
}
