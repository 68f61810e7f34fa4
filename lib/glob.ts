/**
 * A shell-style glob over a flat name (no path separators): `*` is any run of characters, `?` one
 * character, everything else literal. Enough for action refs such as `core.*` or `ops.deploy_?`.
 *
 * @example globMatcher('core.*')('core.local') // true
 */
export function globMatcher(glob: string): (name: string) => boolean {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  const re = new RegExp(`^${source}$`, 's');
  return (name) => re.test(name);
}
