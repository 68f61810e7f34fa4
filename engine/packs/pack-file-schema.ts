import { z } from 'zod';

// The shape of StackStorm's pack.yaml, with messages that name what is expected. Each pack kind
// (actions, aliases, ...) has its schema next to its row in kinds/.

const str = z.string();
const strList = z.array(z.string());

/** pack.yaml. Loose: real packs carry contributors, python_versions, stackstorm_version, system, ... */
export const PackFileSchema = z.looseObject({
  name: str.min(1),
  ref: str.regex(/^[a-z0-9_]+$/, { error: 'must match ^[a-z0-9_]+$ (lower-case letters, digits, _)' }).optional(),
  description: str.optional(),
  // YAML reads `version: 1.0` as a number.
  version: z.union([str, z.number()], { error: 'must be a string' }).transform(String).optional(),
  author: str.optional(),
  email: str.optional(),
  keywords: strList.optional(),
  dependencies: strList.optional(),
});
