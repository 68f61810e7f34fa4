import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What `squall login` keeps in `<data-dir>/cli-token` (mode 0600). */
export interface SavedToken {
  token: string;
  user: string;
  /** ISO time after which the server refuses it. */
  expiry?: string;
  /** The server it was issued by; a token is not offered to another server. */
  api_url: string;
}

export function tokenPath(dataDir: string): string {
  return join(dataDir, 'cli-token');
}

/** The saved token for `apiUrl`, or undefined when there is none, it is for another server, or it expired. */
export async function readSavedToken(
  dataDir: string,
  apiUrl: string,
  now = new Date(),
): Promise<SavedToken | undefined> {
  let text: string;
  try {
    text = await readFile(tokenPath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const t = JSON.parse(text) as Partial<SavedToken>;
    if (typeof t.token !== 'string' || !t.token) return undefined;
    if (t.api_url && t.api_url !== apiUrl) return undefined;
    if (t.expiry && Date.parse(t.expiry) <= now.getTime()) return undefined;
    return { token: t.token, user: String(t.user ?? ''), expiry: t.expiry, api_url: t.api_url ?? apiUrl };
  } catch {
    return undefined;
  }
}

export async function saveToken(dataDir: string, t: SavedToken): Promise<string> {
  const path = tokenPath(dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // Remove first so that an existing file with looser permissions is not reused.
  await rm(path, { force: true });
  await writeFile(path, `${JSON.stringify(t, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}
