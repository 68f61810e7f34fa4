import { constants } from 'node:fs';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePyYaml } from '../../lib/pyyaml.js';

/** A YAML file read as data, or why it could not be. */
export type YamlRead = { ok: true; data: unknown } | { ok: false; problem: string };

/** Reads one YAML file; syntax errors name the line and column. */
export async function readYaml(path: string): Promise<YamlRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return { ok: false, problem: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  // YAML 1.1 as PyYAML reads it (StackStorm's parser): `enabled: yes` is true, as the pack's author meant.
  const read = parsePyYaml(text);
  if (!read.ok) {
    const at = read.line !== undefined ? ` at line ${read.line}, column ${read.col ?? 1}` : '';
    return { ok: false, problem: `YAML syntax error${at}: ${read.message}` };
  }
  const data = read.data;
  if (data === null || data === undefined) return { ok: false, problem: 'the file is empty' };
  return { ok: true, data };
}

/** `*.yaml` and `*.yml` files directly inside `dir`, sorted; none when the folder does not exist. */
export async function yamlFilesIn(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('.')).sort();
}

export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** True when `path` exists and may be executed by this process (an interpreter, a script). */
export async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

export async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

const SKIP_DIRS = new Set(['.git', 'node_modules', 'virtualenv', '.venv', '__pycache__']);
const MAX_FILES = 2000;

/** Files of a pack relative to its folder (StackStorm's `files`), bounded so a stray tree cannot stall registration. */
export async function listPackFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length >= MAX_FILES) return;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(path);
      } else if (e.isFile()) out.push(path);
    }
  }
  await walk('');
  return out;
}
