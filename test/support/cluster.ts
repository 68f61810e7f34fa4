import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { tempDir } from '../../bench/bench-util.js';
import { installRoot } from '../../lib/install-root.js';
import { deleteAmqpTopology, ENGINE_GROUPS } from './amqp-teardown.js';
import { TcpProxy } from './bus-tcp-proxy.js';

/** One `squall start --role ...` of a cluster. */
export interface ClusterProcess {
  readonly name: string;
  readonly roles: readonly string[];
  readonly child: ChildProcess;
  readonly pid: number;
  /** What it wrote to stderr (start-up lines and JSON logs). */
  log(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  kill9(): Promise<void>;
}

export interface ClusterOptions {
  amqpUrl: string;
  /** Extra squall.yaml (top-level keys besides `bus`), given the data dir. */
  yaml?: (dataDir: string) => string;
  /** @default warn */
  logLevel?: string;
}

/**
 * Squall as separate OS processes, as a deployment runs it: each `node bin/squall.js start --role
 * ...` with the same data dir (one SQLite file in WAL mode, the credentials and datastore key) and
 * a RabbitMQ bus under a prefix of its own. Every process reaches the broker through a TCP proxy
 * the caller can cut (`proxy.down()`), so a broker outage is tested without stopping the broker
 * other tests share.
 */
export class Cluster {
  readonly dir = tempDir('squall-cluster-');
  readonly prefix = `squall-cluster-${process.pid}-${Date.now().toString(36)}`;
  readonly processes: ClusterProcess[] = [];
  readonly #opts: ClusterOptions;
  #proxy: TcpProxy | undefined;
  #api: { url: string; apiKey: string } | undefined;

  constructor(opts: ClusterOptions) {
    this.#opts = opts;
  }

  get proxy(): TcpProxy {
    if (!this.#proxy) throw new Error('cluster not started');
    return this.#proxy;
  }

  /** The first API process's URL and the admin key it wrote. */
  get api(): { url: string; apiKey: string } {
    if (!this.#api) throw new Error('no API process started');
    return this.#api;
  }

  /** Writes the config and opens the proxy; then start processes with `spawn`. */
  async prepare(): Promise<void> {
    const broker = new URL(this.#opts.amqpUrl);
    this.#proxy = await TcpProxy.start({ host: broker.hostname, port: Number(broker.port || 5672) });
    const viaProxy = new URL(this.#opts.amqpUrl);
    viaProxy.port = String(this.#proxy.port);
    writeFileSync(
      join(this.dir.path, 'squall.yaml'),
      `bus:\n  kind: amqp\n  url: ${viaProxy.toString()}\n  prefix: ${this.prefix}\n${this.#opts.yaml?.(this.dir.path) ?? ''}`,
    );
  }

  /**
   * Starts one process and waits until it says it runs. The first one must run the API (it
   * registers the packs and writes the credentials and the datastore key the others read).
   */
  async spawn(name: string, roles: readonly string[]): Promise<ClusterProcess> {
    const child = spawn(
      process.execPath,
      [
        join(installRoot(), 'bin', 'squall.js'),
        'start',
        '--data-dir',
        this.dir.path,
        '--no-shell',
        '--port',
        '0',
        '--role',
        roles.join(','),
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, SQUALL_LOG_LEVEL: this.#opts.logLevel ?? 'warn' },
      },
    );
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const p: ClusterProcess = {
      name,
      roles,
      child,
      pid: child.pid ?? 0,
      log: () => err,
      exited,
      async kill9() {
        child.kill('SIGKILL');
        await exited;
      },
    };
    this.processes.push(p);
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start in time:\n${err}`)), 60_000);
      const check = () => {
        const m = /Squall is running[^\n]*/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      };
      child.stderr!.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code}:\n${err}`));
      });
    });
    const url = /at (http:\/\/[^\s]+) /.exec(line)?.[1];
    if (url && !this.#api) {
      const creds = parseYaml(readFileSync(join(this.dir.path, 'credentials'), 'utf8')) as { api_key: string };
      this.#api = { url, apiKey: creds.api_key };
    }
    return p;
  }

  /** A JSON call to the API with the admin key. */
  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.api.url}${path}`, {
      method,
      headers: {
        'St2-Api-Key': this.api.apiKey,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Stops every process (SIGTERM, then SIGKILL after a while), the proxy, and removes the topology and files. */
  async close(): Promise<void> {
    await Promise.all(
      this.processes.map(async (p) => {
        if (p.child.exitCode !== null || p.child.signalCode !== null) return;
        p.child.kill('SIGTERM');
        const t = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
        await p.exited;
        clearTimeout(t);
      }),
    );
    await this.#proxy?.close();
    await deleteAmqpTopology(this.#opts.amqpUrl, this.prefix, ENGINE_GROUPS).catch(() => {});
    this.dir.remove();
  }
}
