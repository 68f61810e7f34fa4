import type { ActionAlias, AliasFormat } from '../../engine/model/alias.js';

/** A registered alias as the store would hold it. */
export function alias(ref: string, formats: AliasFormat[], extra: Partial<ActionAlias> = {}): ActionAlias {
  const [pack = 'p', name = ref] = ref.split('.');
  return {
    id: `id-${ref}`,
    uid: `action_alias:${pack}:${name}`,
    ref,
    pack,
    name,
    enabled: true,
    action_ref: `${pack}.${name}_action`,
    formats,
    ...extra,
  };
}
