import type { z } from 'zod';
import { buildRule } from '../../rules/build-rule.js';
import { RULE_KEYS, RuleFileSchema } from '../../rules/rule-schema.js';
import { definePackKind, type PackKindSpec } from '../pack-kind.js';

// The schema of a rule file lives with the rules engine (engine/rules/rule-schema.ts), since
// `squall rule test` and `/api/v1/rules` read rules without a pack.
type RuleFile = z.infer<typeof RuleFileSchema>;

const DOCUMENTED_KEYS = RULE_KEYS.filter((k) => !['ref', 'uid', 'id', 'metadata_file'].includes(k)).join(', ');

const spec: PackKindSpec<'rules', RuleFile> = {
  key: 'rules',
  folder: 'rules',
  label: 'rule',
  definition: 'a rule definition',
  schema: RuleFileSchema,
  // A misspelt `criteria` would make the rule match every event: unknown keys are errors.
  unknownKey: (key) =>
    (RULE_KEYS as readonly string[]).includes(key)
      ? undefined
      : { field: key, problem: `unknown key (a rule may have: ${DOCUMENTED_KEYS})` },
  build(m, ctx) {
    // The pack check already ran (parseKindFile); the folder's pack is the rule's.
    const { pack: _declared, ...rest } = m;
    const { rule, problems } = buildRule(rest, { pack: ctx.pack, metadataFile: ctx.metadataFile });
    return rule ? { item: rule, problems } : { problems };
  },
  repo: (store) => store.rules,
};

/** rules/*.yaml → Rule, stored in `store.rules`. */
export const ruleKind = definePackKind(spec);
