import { isAbsolute } from 'node:path';
import { SquallError } from '../../errors.js';

/** Where `squall pack install` takes a pack from, as StackStorm reads an install spec. */
export type PackSource =
  | { kind: 'dir'; path: string; spec: string }
  | { kind: 'git'; url: string; ref?: string; spec: string }
  | { kind: 'index'; name: string; ref?: string; spec: string };

const GIT_URL = /^(?:https?:\/\/|ssh:\/\/|git:\/\/|git@|gitlab@|file:\/\/)/;

/**
 * Reads one install spec: `<source>[=<ref>]`. An absolute path is a pack folder (the CLI makes local
 * paths absolute); `https://…`, `git@…`, `ssh://…`, `file://…` are git repositories (a `file://` plain
 * folder is copied); `owner/repo` is GitHub's; a bare name is looked up in the pack index.
 *
 * @throws SquallError SQ_BAD_REQUEST for an empty spec or one git would read as an option
 * @example parsePackSource('https://git.example.com/st2-demo.git=v1.2.0')
 */
export function parsePackSource(spec: string): PackSource {
  const trimmed = spec.trim();
  if (trimmed === '') throw new SquallError('SQ_BAD_REQUEST', 'an empty pack source was given');
  if (isAbsolute(trimmed) && !trimmed.includes('=')) return { kind: 'dir', path: trimmed, spec };
  const eq = trimmed.lastIndexOf('=');
  const source = eq > 0 ? trimmed.slice(0, eq) : trimmed;
  const ref = eq > 0 ? trimmed.slice(eq + 1) : undefined;
  if (ref !== undefined && (ref === '' || ref.startsWith('-') || /\s/.test(ref)))
    throw new SquallError('SQ_BAD_REQUEST', `"${ref}" is not a valid version, hash, tag or branch (in "${spec}")`);
  if (source.startsWith('-')) throw new SquallError('SQ_BAD_REQUEST', `"${spec}" is not a pack source`);
  const withRef = ref === undefined ? {} : { ref };
  if (GIT_URL.test(source)) return { kind: 'git', url: source, spec, ...withRef };
  if (isAbsolute(source)) {
    if (ref !== undefined) return { kind: 'git', url: `file://${source}`, spec, ref };
    return { kind: 'dir', path: source, spec };
  }
  if (/^[\w.-]+\/[\w.-]+$/.test(source)) return { kind: 'git', url: `https://github.com/${source}`, spec, ...withRef };
  if (/^[a-z0-9_-]+$/i.test(source)) return { kind: 'index', name: source, spec, ...withRef };
  throw new SquallError(
    'SQ_BAD_REQUEST',
    `"${spec}" is not a pack source: give a folder, a git URL (https://, git@, file://) or a pack name from the index`,
  );
}

/**
 * The pack name a source points at before it is fetched (to compare a dependency with what is
 * installed): the index name, or the last URL segment up to its first `.`, without `stackstorm-`.
 */
export function sourcePackName(s: PackSource): string {
  if (s.kind === 'index') return s.name;
  const last = (s.kind === 'dir' ? s.path : s.url).replace(/\/+$/, '').split(/[/:]/).pop() ?? '';
  return (last.split('.')[0] ?? last).replace(/^stackstorm-/, '');
}
