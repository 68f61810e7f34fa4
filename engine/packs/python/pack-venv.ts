import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SquallError } from '../../errors.js';
import { isExecutable, isFile } from '../pack-files.js';
import { packVenvDir, venvPython } from './venv-paths.js';

export interface PackVenvOptions {
  /** The pack's folder (holding pack.yaml and perhaps requirements.txt). */
  packDir: string;
  /** The pack's ref: the environment is `<dataDir>/virtualenvs/<packName>`. */
  packName: string;
  dataDir: string;
  /** The interpreter that creates the environment (`packs.python`). */
  python: string;
  /** Skip installing requirements.txt (`--no-deps`); the environment is still made. @default false */
  noDeps?: boolean;
  /** Install requirements.txt even when it is unchanged since the last install (`squall pack setup-venv`). @default false */
  force?: boolean;
  /** Extra `pip install` arguments (`packs.pip_args`); pip also reads its PIP_* variables. @default [] */
  pipArgs?: readonly string[];
  /** Told each line the steps print (venv, pip), for progress output. */
  onProgress?: (line: string) => void;
}

export interface PackVenvResult {
  venvDir: string;
  /** The environment's interpreter. */
  python: string;
  /** A new environment was made (none was there, or it was made by another Python). */
  created: boolean;
  /** What happened to requirements.txt. */
  requirements: 'installed' | 'unchanged' | 'skipped' | 'none';
}

/** Written in the environment once it is complete: what it was made from. */
interface VenvStamp {
  python: string;
  /** sha256 of requirements.txt when it was installed; null when none was installed. */
  requirements: string | null;
  /** sha256 of a requirements.txt knowingly not installed (`--no-deps`), so later registrations keep skipping it. */
  skipped?: string;
}

const STAMP = '.squall-venv.json';
/** pip may build from source; a long install is not a hung one. */
const STEP_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * Whether a pack needs a Python environment: it has a requirements.txt, or Python files among its
 * actions or sensors.
 */
export async function hasPythonContent(packDir: string): Promise<boolean> {
  if (await isFile(join(packDir, 'requirements.txt'))) return true;
  for (const folder of ['actions', 'sensors']) {
    const entries = await readdir(join(packDir, folder), { recursive: true }).catch(() => [] as string[]);
    if (entries.some((e) => e.endsWith('.py'))) return true;
  }
  return false;
}

/**
 * Makes (or reuses) a pack's virtual environment, `<dataDir>/virtualenvs/<pack>`, with
 * `<python> -m venv`, and installs the pack's requirements.txt into it with pip. An environment made
 * by the same Python whose requirements.txt is unchanged since its last install is left as it is, so
 * registering again is quick.
 *
 * @throws SquallError SQ_PACK_INVALID with pip's (or venv's) own message when a step fails; the
 *   environment is then not marked complete, so the next attempt runs the step again.
 * @example await setupPackVenv({ packDir, packName: 'aws', dataDir, python: '/usr/bin/python3' })
 */
export async function setupPackVenv(o: PackVenvOptions): Promise<PackVenvResult> {
  const venvDir = packVenvDir(o.dataDir, o.packName);
  const python = venvPython(venvDir);
  const progress = o.onProgress ?? (() => undefined);
  const reqFile = join(o.packDir, 'requirements.txt');
  const reqText = await readFile(reqFile, 'utf8').catch(() => undefined);
  const reqHash = reqText === undefined ? null : createHash('sha256').update(reqText).digest('hex');
  const stamp = await readStamp(venvDir);
  const usable = stamp?.python === o.python && (await isExecutable(python));

  let created = false;
  if (!usable) {
    await rm(venvDir, { recursive: true, force: true });
    await mkdir(join(o.dataDir, 'virtualenvs'), { recursive: true });
    progress(`Creating the virtual environment of pack ${o.packName} in ${venvDir}`);
    // Without pip: seeding it takes seconds; the host's pip installs into the environment instead.
    const made = await run(o.python, ['-m', 'venv', '--without-pip', venvDir], progress);
    if (made.code !== 0) {
      throw new SquallError(
        'SQ_PACK_INVALID',
        `Cannot create the virtual environment of pack ${o.packName} with ${o.python} -m venv: ${made.output.trim() || `exit code ${made.code}`}`,
      );
    }
    created = true;
    await writeStamp(venvDir, { python: o.python, requirements: null });
  }

  if (reqHash === null) return { venvDir, python, created, requirements: 'none' };
  // Skipped knowingly once (--no-deps): later registrations leave it so until the file changes or a forced retry.
  if (o.noDeps || (!o.force && !created && stamp?.skipped === reqHash)) {
    progress(`Not installing the requirements of pack ${o.packName} (--no-deps)`);
    await writeStamp(venvDir, {
      python: o.python,
      requirements: created ? null : (stamp?.requirements ?? null),
      skipped: reqHash,
    });
    return { venvDir, python, created, requirements: 'skipped' };
  }
  if (!o.force && usable && stamp?.requirements === reqHash) {
    return { venvDir, python, created, requirements: 'unchanged' };
  }
  progress(`Installing the requirements of pack ${o.packName} (requirements.txt) with pip`);
  await pipInstall(o, python, reqFile, progress);
  await writeStamp(venvDir, { python: o.python, requirements: reqHash });
  return { venvDir, python, created, requirements: 'installed' };
}

async function pipInstall(
  o: PackVenvOptions,
  python: string,
  reqFile: string,
  progress: (line: string) => void,
): Promise<void> {
  const args = ['install', '--disable-pip-version-check', '--no-input', '-r', reqFile, ...(o.pipArgs ?? [])];
  // The host's pip, pointed at the environment (pip >= 22.3); a Python without pip seeds the environment's own.
  let r = await run(o.python, ['-m', 'pip', '--python', python, ...args], progress);
  if (r.code !== 0 && /No module named pip|no such option: --python/.test(r.output)) {
    const seeded = await run(python, ['-m', 'ensurepip', '--default-pip'], progress);
    if (seeded.code === 0) r = await run(python, ['-m', 'pip', ...args], progress);
  }
  if (r.code !== 0) {
    throw new SquallError(
      'SQ_PACK_INVALID',
      `pip could not install the requirements of pack ${o.packName} (requirements.txt):\n${pipMessage(r.output)}`,
    );
  }
}

/** pip's own words: its ERROR lines when it printed some, else the end of its output. */
function pipMessage(output: string): string {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => /^\s*(ERROR|error):/.test(l));
  return (errors.length > 0 ? errors : lines.slice(-15)).join('\n').slice(0, 4000);
}

/** Runs a step with the pack's environment clear of Squall's own PYTHON* settings; output merged. */
function run(
  file: string,
  args: string[],
  progress: (line: string) => void,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.PYTHONPATH;
    delete env.PYTHONHOME;
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let partial = '';
    const onData = (d: string): void => {
      if (output.length < 1024 * 1024) output += d;
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim() !== '') progress(l);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, output: `cannot run ${file}: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (partial.trim() !== '') progress(partial);
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}

async function readStamp(venvDir: string): Promise<VenvStamp | undefined> {
  try {
    const s = JSON.parse(await readFile(join(venvDir, STAMP), 'utf8')) as Partial<VenvStamp>;
    if (typeof s.python !== 'string') return undefined;
    return { python: s.python, requirements: s.requirements ?? null, ...(s.skipped ? { skipped: s.skipped } : {}) };
  } catch {
    return undefined;
  }
}

async function writeStamp(venvDir: string, stamp: VenvStamp): Promise<void> {
  await writeFile(join(venvDir, STAMP), `${JSON.stringify(stamp)}\n`);
}
