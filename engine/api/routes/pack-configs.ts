import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { stringify } from 'yaml';
import { SquallError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { JsonObject, JsonValue } from '../../model/json.js';
import { checkPackConfig, secretConfigPaths } from '../../packs/config/config-check.js';
import { invalidConfigMessage, type PackConfigFiles } from '../../packs/pack-config.js';
import { formatProblem } from '../../packs/pack-types.js';
import { principalOf } from '../request-auth.js';

export interface PackConfigRouteDeps {
  /** The pack's config file, schema and problems (engine-core's packConfigFiles). */
  read(pack: string): Promise<PackConfigFiles>;
  /** Whether a pack of that name is registered. */
  exists(pack: string): Promise<boolean>;
  logger: Logger;
}

const MASK = '********';
const packParams = {
  type: 'object',
  required: ['pack'],
  properties: { pack: { type: 'string', minLength: 1 } },
} as const;

/**
 * StackStorm's `/api/v1/config_schemas/{pack}` and `/api/v1/configs/{pack}`: a pack's
 * config.schema.yaml items, and its config (`<data_dir>/configs/<pack>.yaml`) with secret options
 * masked. `PUT` checks the values against the schema (400 naming each key and problem) and writes
 * the file; secret options it leaves out keep their stored values.
 */
export function packConfigRoutes(app: FastifyInstance, deps: PackConfigRouteDeps): void {
  const known = async (pack: string): Promise<void> => {
    if (!(await deps.exists(pack))) throw new SquallError('SQ_PACK_NOT_FOUND', `Pack "${pack}" does not exist.`);
  };

  app.get<{ Params: { pack: string } }>(
    '/api/v1/config_schemas/:pack',
    {
      config: { permission: 'pack:read' },
      schema: { summary: "A pack's config schema", tags: ['packs'], params: packParams },
    },
    async (req) => {
      await known(req.params.pack);
      const { schema } = await deps.read(req.params.pack);
      if (Object.keys(schema).length === 0)
        throw new SquallError('SQ_PACK_NOT_FOUND', `Pack "${req.params.pack}" has no config.schema.yaml.`);
      return { uid: `config_schema:${req.params.pack}`, pack: req.params.pack, attributes: schema };
    },
  );

  app.get<{ Params: { pack: string } }>(
    '/api/v1/configs/:pack',
    {
      config: { permission: 'pack:read' },
      schema: { summary: "A pack's config, secret options masked", tags: ['packs'], params: packParams },
    },
    async (req) => {
      await known(req.params.pack);
      const c = await deps.read(req.params.pack);
      return {
        uid: `config:${req.params.pack}`,
        pack: req.params.pack,
        values: masked(c.schema, c.given),
        problems: c.problems.map(formatProblem),
      };
    },
  );

  app.put<{ Params: { pack: string }; Body: JsonObject }>(
    '/api/v1/configs/:pack',
    {
      config: { permission: 'pack:register' },
      schema: {
        summary: "Write a pack's config (checked against its schema)",
        tags: ['packs'],
        params: packParams,
        body: { type: 'object', additionalProperties: true },
      },
    },
    async (req) => {
      const pack = req.params.pack;
      await known(pack);
      const current = await deps.read(pack);
      const values: JsonObject = { ...req.body };
      // A secret the caller did not send (it only ever sees it masked) keeps its stored value.
      for (const path of secretConfigPaths(current.schema)) {
        if (path.includes('.')) continue;
        if ((!Object.hasOwn(values, path) || values[path] === MASK) && Object.hasOwn(current.given, path))
          values[path] = current.given[path] as JsonValue;
      }
      const problems = checkPackConfig(current.schema, values).map((p) => ({ file: current.file, ...p }));
      if (problems.length > 0) throw new SquallError('SQ_PACK_INVALID', invalidConfigMessage(pack, problems));
      await mkdir(dirname(current.file), { recursive: true, mode: 0o700 });
      const tmp = `${current.file}.tmp-${process.pid}`;
      // Written as YAML 1.1, as it is read: a string such as "yes" is quoted, not read back as true.
      await writeFile(tmp, stringify(values, { version: '1.1' }), { mode: 0o600 });
      await rename(tmp, current.file);
      deps.logger.info('pack config written', { component: 'api', pack, user: principalOf(req).user });
      return { uid: `config:${pack}`, pack, values: masked(current.schema, values), file: current.file };
    },
  );
}

/** The config with every secret option's value replaced by the mask. */
export function masked(schema: JsonObject, values: JsonObject): JsonObject {
  let out: JsonObject = { ...values };
  for (const path of secretConfigPaths(schema)) out = maskAt(out, path.split('.'));
  return out;
}

function maskAt(o: JsonObject, keys: string[]): JsonObject {
  const [k, ...rest] = keys as [string, ...string[]];
  if (!Object.hasOwn(o, k) || o[k] === null) return o;
  if (rest.length === 0) return { ...o, [k]: MASK };
  const inner = o[k];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return o;
  return { ...o, [k]: maskAt(inner, rest) };
}
