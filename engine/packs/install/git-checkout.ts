import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SquallError } from '../../errors.js';

export interface GitCheckout {
  /** The commit checked out. */
  commit: string;
  /** The ref as resolved (`v1.2.0` for a requested `1.2.0`), when one was asked for. */
  ref?: string;
}

/**
 * Clones `url` into `dest` (a folder that does not exist yet) with the system `git`, then checks out
 * `ref` as StackStorm does: a branch (`origin/<ref>`), a tag or commit, or the tag `v<ref>` for a
 * version. Arguments go to git as an array (never through a shell) and git never prompts.
 *
 * @throws SquallError SQ_PACK_INVALID with git's own message when the clone fails or the ref is unknown
 */
export async function gitCheckout(url: string, dest: string, ref?: string): Promise<GitCheckout> {
  await git(['clone', '--quiet', '--', url, dest], undefined, `cannot clone ${url}`);
  if (ref === undefined) return { commit: (await git(['rev-parse', 'HEAD'], dest)).trim() };
  const candidates = [`origin/${ref}`, ref];
  if (/^\d+(?:\.\d+){0,2}(?:[-+].*)?$/.test(ref)) candidates.push(`v${ref}`);
  for (const c of candidates) {
    const sha = await git(['rev-parse', '--verify', '--quiet', `${c}^{commit}`], dest).catch(() => '');
    if (!sha.trim()) continue;
    await git(['checkout', '--quiet', '--detach', sha.trim()], dest, `cannot check out ${ref}`);
    return { commit: sha.trim(), ref: c.replace(/^origin\//, '') };
  }
  const tags = (await git(['tag', '--list', 'v*'], dest).catch(() => ''))
    .split('\n')
    .filter((t) => /^v\d+\.\d+\.\d+/.test(t));
  const known = tags.length ? ` Available versions: ${tags.join(', ')}.` : '';
  throw new SquallError('SQ_PACK_INVALID', `"${ref}" is not a valid version, hash, tag or branch in ${url}.${known}`);
}

/** True when `dir` is a git repository (a work tree or a bare one), so that a file:// source is cloned. */
export async function isGitRepo(dir: string): Promise<boolean> {
  // A folder inside some other repository is not a repository of its own: it is copied.
  const real = await realpath(dir).catch(() => resolve(dir));
  const gitDir = (await git(['rev-parse', '--absolute-git-dir'], dir).catch(() => '')).trim();
  return gitDir !== '' && (gitDir === real || gitDir === join(real, '.git'));
}

function git(args: string[], cwd?: string, failure?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        ...(cwd ? { cwd } : {}),
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', SSH_ASKPASS: 'echo', LC_ALL: 'C' },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 300_000,
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT')
          return reject(
            new SquallError('SQ_PACK_INVALID', 'git is not installed: installing from git needs the git command'),
          );
        const said = stderr.trim().split('\n').filter(Boolean).slice(-3).join(' ') || err.message;
        reject(new SquallError('SQ_PACK_INVALID', failure ? `${failure}: ${said}` : said));
      },
    );
  });
}
