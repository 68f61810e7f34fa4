import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type RunningServer, startServer } from '../../app/start-server.js';
import { silentLogger } from '../../engine/logger.js';
import { BIN } from '../support/squall-process.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the compiled `squall` (bin/squall.js, as a user runs it after `npm install`) with a clean
 * environment: no credentials from the developer's shell, stdout and stderr piped (not terminals).
 */
export function squall(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    SQUALL_LOG_LEVEL: 'warn',
    ...opts.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export interface Credentials {
  username: string;
  password: string;
  api_key: string;
}

export interface AcceptanceServer {
  server: RunningServer;
  url: string;
  dataDir: string;
  creds: Credentials;
  close(): Promise<void>;
}

/**
 * A real Squall server (every role) on a free port, with a fresh data dir and its first-start credentials.
 * `progressEvery` sets `chat.progress_every` (seconds).
 */
export async function startAcceptanceServer(opts: { progressEvery?: number } = {}): Promise<AcceptanceServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'squall-acceptance-'));
  const chat = { shell: false, ...(opts.progressEvery !== undefined ? { progress_every: opts.progressEvery } : {}) };
  const server = await startServer({
    dataDir,
    config: { api: { host: '127.0.0.1', port: 0 }, log: { level: 'silent' }, chat },
    logger: silentLogger,
  });
  const creds = parseYaml(readFileSync(join(dataDir, 'credentials'), 'utf8')) as Credentials;
  return {
    server,
    url: server.url ?? '',
    dataDir,
    creds,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A fetch that sends JSON and reads JSON (or text) back. */
export async function call<T = unknown>(
  url: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown; rawBody?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // text/plain answers (execution output) stay text
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

/**
 * Reads Server-Sent Events from `path` until `until` says enough (or the time runs out), then
 * closes the connection. Returns the events read.
 */
export async function readSse(
  url: string,
  path: string,
  headers: Record<string, string>,
  until: (events: SseEvent[]) => boolean,
  opts: { timeoutMs?: number; onOpen?: () => Promise<void> | void } = {},
): Promise<{ status: number; contentType: string | null; events: SseEvent[] }> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), opts.timeoutMs ?? 10_000);
  const events: SseEvent[] = [];
  const res = await fetch(`${url}${path}`, { headers, signal: ctrl.signal });
  if (res.status !== 200 || !res.body) {
    clearTimeout(timer);
    ctrl.abort();
    return { status: res.status, contentType: res.headers.get('content-type'), events };
  }
  await opts.onOpen?.();
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for await (const chunk of res.body) {
      buf += decoder.decode(chunk as Uint8Array, { stream: true });
      let cut = buf.indexOf('\n\n');
      while (cut >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const ev: SseEvent = { id: undefined, event: undefined, data: '' };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('id:')) ev.id = line.slice(3).trim();
          else if (line.startsWith('event:')) ev.event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        ev.data = data.join('\n');
        if (ev.event !== undefined || ev.data !== '') events.push(ev);
        cut = buf.indexOf('\n\n');
      }
      if (until(events)) break;
    }
  } catch (err) {
    if (!ctrl.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
  return { status: res.status, contentType: res.headers.get('content-type'), events };
}

/** Polls an execution until it leaves the running states. */
export async function waitForExecution(
  url: string,
  headers: Record<string, string>,
  id: string,
  timeoutMs = 15_000,
): Promise<Record<string, unknown>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await call<Record<string, unknown>>(url, 'GET', `/api/v1/executions/${id}`, { headers });
    const status = String(r.body.status);
    if (!['requested', 'scheduled', 'running', 'delayed', 'pending', 'canceling'].includes(status)) return r.body;
    if (Date.now() > end) throw new Error(`execution ${id} still ${status}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}
