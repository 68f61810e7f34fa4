import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SquallError } from '../../errors.js';
import type { JsonObject } from '../../model/json.js';

/** One pack in a StackStorm Exchange index (`v1/index.json`): pack.yaml's fields plus `repo_url`, `versions`, `content`. */
export interface IndexEntry extends JsonObject {
  repo_url: string;
}

/**
 * Looks a pack up in the configured indexes (`packs.index_url`, earlier ones win), StackStorm
 * Exchange's format `{"metadata": {...}, "packs": {"<ref>": {...}}}`. An index may be a local file
 * path, a `file://` URL or an `http(s)://` URL. Unreadable indexes are tolerated while one yields packs.
 *
 * @throws SquallError SQ_PACK_NOT_FOUND when no index has the pack, SQ_PACK_INVALID when none can be read
 */
export async function findInIndex(urls: readonly string[], name: string): Promise<IndexEntry> {
  if (urls.length === 0)
    throw new SquallError(
      'SQ_PACK_NOT_FOUND',
      `"${name}" is not a folder or a git URL, and no pack index is configured (packs.index_url) to look it up`,
    );
  for (const { url, packs } of await readIndexes(urls)) {
    const entry = packs[name];
    if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
      if (typeof entry.repo_url !== 'string' || entry.repo_url === '')
        throw new SquallError('SQ_PACK_INVALID', `the index ${url} has no repo_url for pack "${name}"`);
      return entry as IndexEntry;
    }
  }
  throw new SquallError('SQ_PACK_NOT_FOUND', `No record of the "${name}" pack in the index.`);
}

/**
 * StackStorm's `packs.search`: the packs of the configured indexes whose name, description, keywords
 * or author contain the query (case-insensitive), by ref; earlier indexes win.
 *
 * @throws SquallError SQ_PACK_NOT_FOUND when no index is configured, SQ_PACK_INVALID when none can be read
 */
export async function searchIndex(urls: readonly string[], query: string): Promise<JsonObject> {
  if (urls.length === 0)
    throw new SquallError('SQ_PACK_NOT_FOUND', 'No pack index is configured (packs.index_url) to search.');
  const wanted = query.toLowerCase();
  const found: JsonObject = {};
  for (const { packs } of await readIndexes(urls)) {
    for (const [ref, entry] of Object.entries(packs)) {
      if (ref in found || !entry || typeof entry !== 'object' || Array.isArray(entry)) continue;
      const fields = [ref, entry.name, entry.description, entry.author, entry.keywords].flat();
      if (fields.some((f) => typeof f === 'string' && f.toLowerCase().includes(wanted))) found[ref] = entry;
    }
  }
  return found;
}

/** The readable indexes, in order; unreadable ones are tolerated while one can be read. */
async function readIndexes(urls: readonly string[]): Promise<{ url: string; packs: JsonObject }[]> {
  const problems: string[] = [];
  const read: { url: string; packs: JsonObject }[] = [];
  for (const url of urls) {
    try {
      read.push({ url, packs: await readIndex(url) });
    } catch (e) {
      problems.push(`${url}: ${(e as Error).message}`);
    }
  }
  if (read.length === 0) throw new SquallError('SQ_PACK_INVALID', `No results from the index: ${problems.join('; ')}`);
  return read;
}

async function readIndex(url: string): Promise<JsonObject> {
  let text: string;
  if (/^https?:\/\//.test(url)) {
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    text = await res.text();
  } else {
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new Error(`cannot be read (${e.code ?? e.message})`);
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('is malformed (not JSON)');
  }
  const packs = (doc as { packs?: unknown } | null)?.packs;
  if (!packs || typeof packs !== 'object' || Array.isArray(packs)) throw new Error('is malformed (no "packs" mapping)');
  if (Object.keys(packs).length === 0) throw new Error('is empty');
  return packs as JsonObject;
}
