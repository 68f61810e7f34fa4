import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

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
  // YAML 1.2 core schema: unlike PyYAML, `yes`/`on` stay strings, which is what pack authors mean.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const at = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    const reason = (err.message.split('\n', 1)[0] ?? err.message).replace(/ at line \d+, column \d+:?$/, '');
    return { ok: false, problem: `YAML syntax error${at}: ${reason}` };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
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
