import type { FastifyServerFactory } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import type { Bus } from '../bus/bus.js';
import type { ExecutionService } from '../executions/execution-service.js';
import type { Logger } from '../logger.js';
import type { RegisterReport, RegisterRequest } from '../packs/pack-registrar.js';
import type { RunnerRegistry } from '../runners/runner-registry.js';
import type { Store } from '../store/store.js';

/** Everything the REST API needs; the composition root (app/) builds it. */
export interface ApiDeps {
  store: Store;
  bus: Bus;
  executions: ExecutionService;
  auth: AuthService;
  runners: RunnerRegistry;
  /** (Re-)registers packs from the configured pack folders; `packs` limits it to those names. */
  registerPacks(opts: RegisterRequest): Promise<RegisterReport>;
  logger: Logger;
}

export interface ApiOptions {
  /** Largest request body accepted, in bytes; larger bodies get 413. @default 1048576 (1 MiB) */
  bodyLimit?: number;
  /**
   * The URL clients reach the server at (e.g. `https://squall.example.com`). Used for executions'
   * `web_url`; when absent, executions carry no `web_url`.
   */
  publicUrl?: string;
  /**
   * Builds the HTTP server, so the server module can mount other handlers (Slack's `/slack/...`)
   * on the same port. Passed to fastify as is.
   */
  serverFactory?: FastifyServerFactory;
  /** Trust `X-Forwarded-*` from a reverse proxy (fastify's `trustProxy`). @default false */
  trustProxy?: boolean;
  /** Serve `/metrics` without credentials (`metrics.public`). @default false */
  metricsPublic?: boolean;
}

/** Options with defaults applied, frozen once. */
export interface ResolvedApiOptions {
  bodyLimit: number;
  publicUrl: string | undefined;
  metricsPublic: boolean;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function resolveApiOptions(opts: ApiOptions = {}): ResolvedApiOptions {
  return Object.freeze({
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    publicUrl: opts.publicUrl?.replace(/\/+$/, ''),
    metricsPublic: opts.metricsPublic ?? false,
  });
}
