import type { z } from 'zod';
import { newId } from '../../ids.js';
import type { ActionAlias, AliasFormat } from '../../model/alias.js';
import type { JsonObject } from '../../model/json.js';
import { type Built, definePackKind, type PackKindSpec, parseKindFile } from '../pack-kind.js';
import { ALIAS_KEYS, AliasFileSchema } from './alias-schema.js';

type AliasFile = z.infer<typeof AliasFileSchema>;

const DOCUMENTED_ALIAS_KEYS = ALIAS_KEYS.filter((k) => !['pack', 'ref', 'uid', 'id', 'metadata_file'].includes(k)).join(
  ', ',
);

function toAlias(m: AliasFile, ctx: { pack: string; metadataFile: string }): ActionAlias {
  const alias: ActionAlias = {
    id: newId(),
    uid: `action_alias:${ctx.pack}:${m.name}`,
    ref: `${ctx.pack}.${m.name}`,
    pack: ctx.pack,
    name: m.name,
    enabled: m.enabled ?? true,
    action_ref: m.action_ref,
    formats: m.formats as AliasFormat[],
    metadata_file: ctx.metadataFile,
  };
  if (m.description) alias.description = m.description;
  if (m.ack) alias.ack = m.ack as ActionAlias['ack'];
  if (m.result) alias.result = m.result as ActionAlias['result'];
  if (m.extra) alias.extra = m.extra as JsonObject;
  if (m.immutable_parameters) alias.immutable_parameters = m.immutable_parameters as JsonObject;
  if (m.permissions) alias.permissions = m.permissions;
  if (m.channels) alias.channels = m.channels;
  return alias;
}

const spec: PackKindSpec<'aliases', AliasFile> = {
  key: 'aliases',
  folder: 'aliases',
  label: 'alias',
  definition: 'an action alias definition',
  schema: AliasFileSchema,
  // StackStorm's schema forbids other keys (`additionalProperties: false`), so these are errors.
  unknownKey: (key) =>
    (ALIAS_KEYS as readonly string[]).includes(key)
      ? undefined
      : { field: key, problem: `unknown key (an alias may have: ${DOCUMENTED_ALIAS_KEYS})` },
  build: (m, ctx) => ({ item: toAlias(m, ctx), problems: [] }),
  repo: (store) => store.aliases,
  check(alias, checks) {
    const problem = checks.validateAlias?.(alias);
    return problem ? { field: 'formats', problem } : undefined;
  },
};

/** aliases/*.yaml → ActionAlias, stored in `store.aliases`. */
export const aliasKind = definePackKind(spec);

/**
 * Builds an ActionAlias from one alias definition (a file, or the body of `POST /api/v1/actionalias`);
 * `alias` is absent when it has errors.
 */
export function buildAlias(
  data: unknown,
  ctx: { pack: string; metadataFile: string },
): { alias?: ActionAlias; problems: Built<ActionAlias>['problems'] } {
  const { file, problems } = parseKindFile(spec, data, ctx.pack);
  return file ? { alias: toAlias(file, ctx), problems } : { problems };
}
