import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePyYaml } from '../../lib/pyyaml.js';
import type { KeyLookup } from '../datastore/kv-lookup.js';
import { collectKvRefs, loadKvContext } from '../datastore/kv-template-context.js';
import { SquallError } from '../errors.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { Store } from '../store/store.js';
import { renderDeep } from '../templates/templates.js';

export interface PackConfigDeps {
  store: Store;
  /** Where site configs live: `<dir>/<pack>.yaml` (StackStorm's /opt/stackstorm/configs). */
  configsDir: string;
  /** The datastore, for config values that are templates (`"{{ st2kv.system.api_url }}"`). */
  kv?: KeyLookup;
  decrypt?: (stored: string) => string;
}

/**
 * A pack's configuration as actions (`config_context`) and sensors (`config`) see it: the values of
 * `<configsDir>/<pack>.yaml`, string values that are templates rendered with `st2kv`, then the
 * defaults of the pack's `config.schema.yaml` for top-level keys the file leaves out. A pack without
 * either file has the config `{}`.
 *
 * @throws SquallError SQ_PACK_INVALID when a file is not YAML or not a mapping, or a value cannot be rendered
 */
export async function loadPackConfig(deps: PackConfigDeps, pack: string, user?: string): Promise<JsonObject> {
  const file = join(deps.configsDir, `${pack}.yaml`);
  const given = (await readMapping(file)) ?? {};
  const registered = await deps.store.packs.get(pack);
  const schema = registered ? ((await readMapping(join(registered.path, 'config.schema.yaml'))) ?? {}) : {};
  const refs = collectKvRefs(JSON.stringify(given));
  let rendered: JsonObject = given;
  if (JSON.stringify(given).includes('{{') || JSON.stringify(given).includes('{%')) {
    const kv = await loadKvContext(refs, deps.kv, user);
    try {
      rendered = renderDeep(given, { st2kv: kv.st2kv }, deps.decrypt ? { decrypt: deps.decrypt } : {}) as JsonObject;
    } catch (e) {
      throw new SquallError(
        'SQ_PACK_INVALID',
        `${file}: a value cannot be rendered: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  const out: JsonObject = { ...rendered };
  for (const [key, item] of Object.entries(schema)) {
    if (Object.hasOwn(out, key)) continue;
    if (typeof item === 'object' && item !== null && !Array.isArray(item) && 'default' in item) {
      out[key] = (item as { default: JsonValue }).default;
    }
  }
  return out;
}

async function readMapping(file: string): Promise<JsonObject | undefined> {
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
