import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const REPO = join(import.meta.dirname, '..', '..');
export const BIN = join(REPO, 'bin', 'squall.js');

export interface SquallProcess {
  child: ChildProcess;
  url: string;
  apiKey: string;
  stderr(): string;
  /** Kills with SIGKILL (no clean shutdown) and waits for the exit. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `squall start` (the compiled CLI, as a user runs it) on a free port and waits until it serves. */
export async function startSquallProcess(
  dataDir: string,
  extraArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<SquallProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'start', '--port', '0', '--data-dir', dataDir, '--no-shell', ...extraArgs],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SQUALL_LOG_LEVEL: 'warn', ...env },
    },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout!.resume();
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`squall start did not come up in time:\n${err}`)), 30_000);
    const check = () => {
      const m = /Squall is running at (http:\/\/[^\s]+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace(/[.,]$/, ''));
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`squall start exited with ${code}:\n${err}`));
    });
  });
  const creds = parseYaml(readFileSync(join(dataDir, 'credentials'), 'utf8')) as { api_key: string };
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    url,
    apiKey: creds.api_key,
    stderr: () => err,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A small JSON client for the API with the process's admin key. */
export function apiClient(p: Pick<SquallProcess, 'url' | 'apiKey'>) {
  return async function api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${p.url}${path}`, {
      method,
      headers: { 'St2-Api-Key': p.apiKey, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
}
