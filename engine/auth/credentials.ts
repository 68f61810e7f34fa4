import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { SquallError } from '../errors.js';

/** What the first start writes so that the operator (and the CLI on the same host) can log in. */
export interface Credentials {
  username: string;
  password: string;
  api_key: string;
}

export function credentialsPath(dataDir: string): string {
  return join(dataDir, 'credentials');
}

/** Writes `<dataDir>/credentials` as YAML, readable by the owner only (dir 0700, file 0600). */
export async function writeCredentials(dataDir: string, creds: Credentials): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = credentialsPath(dataDir);
  const text = `# Squall's first admin, created on first start. Keep this file private.\n${stringify(creds)}`;
  await writeFile(path, text, { mode: 0o600 });
  // writeFile's mode only applies when it creates the file; an existing file keeps its mode otherwise.
  await chmod(path, 0o600);
  return path;
}

/** Reads the credentials file; undefined when there is none. Throws SQ_CONFIG_INVALID when it is malformed. */
export async function readCredentials(dataDir: string): Promise<Credentials | undefined> {
  const path = credentialsPath(dataDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SquallError('SQ_CONFIG_INVALID', `Cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    // The first line only: the yaml library adds a code frame, which would print the password.
    const reason = ((e as Error).message.split('\n', 1)[0] ?? '').replace(/:$/, '');
    throw new SquallError('SQ_CONFIG_INVALID', `${path} is not valid YAML: ${reason}`);
  }
  if (
    typeof doc !== 'object' ||
    doc === null ||
    !['username', 'password', 'api_key'].every((k) => typeof (doc as Record<string, unknown>)[k] === 'string')
  ) {
    throw new SquallError('SQ_CONFIG_INVALID', `${path} must hold string fields username, password and api_key`);
  }
  const d = doc as Record<string, string>;
  return { username: d.username ?? '', password: d.password ?? '', api_key: d.api_key ?? '' };
}
