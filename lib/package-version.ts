import { installRoot, readPackageJson } from './install-root.js';

let cached: string | undefined;

/** Squall's version, from the package.json at the install root; `0.0.0` when it cannot be read. */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  const version = readPackageJson(installRoot())?.version;
  cached = typeof version === 'string' ? version : '0.0.0';
  return cached;
}
