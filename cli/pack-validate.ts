import type { PackProblem } from '../engine/packs/pack-types.js';

export type { PackProblem };

/**
 * Validates a pack folder (or a folder of packs) without a server: the registrar's own checks
 * (`validatePackDir`, the code `pack register` runs) plus the alias format checker the matcher
 * uses, so that a bad format is caught before it reaches chat. Both are loaded on demand so that
 * other commands start without them.
 */
export async function validatePack(dir: string): Promise<PackProblem[]> {
  const [{ validatePackDir }, { validateAliasFormats }, { isRunnerType }] = await Promise.all([
    import('../engine/packs/pack-registrar.js'),
    import('../aliases/matcher.js'),
    import('../engine/runners/runner-types.js'),
  ]);
  return validatePackDir(dir, { validateAlias: validateAliasFormats, runnerSupported: isRunnerType });
}
