import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ApiOptions } from '../../../engine/api/api-deps.js';
import { buildApi } from '../../../engine/api/build-api.js';
import type { AuthService } from '../../../engine/auth/auth-service.js';
import { createAuthService } from '../../../engine/auth/create-auth-service.js';
import type { Bus } from '../../../engine/bus/bus.js';
import { createMemoryBus } from '../../../engine/bus/memory/memory-bus.js';
import { KvCipher } from '../../../engine/datastore/kv-cipher.js';
import { createExecutionService } from '../../../engine/executions/create-execution-service.js';
import type { ExecutionService } from '../../../engine/executions/execution-service.js';
import { SecretParameters } from '../../../engine/executions/secret-parameters.js';
import { type Logger, silentLogger } from '../../../engine/logger.js';
import type { Role } from '../../../engine/model/auth.js';
import { registerPacks } from '../../../engine/packs/pack-registrar.js';
import { builtinPacksDir } from '../../../engine/packs/packs-root.js';
import { createRunnerRegistry } from '../../../engine/runners/runner-registry.js';
import { createSqliteStore } from '../../../engine/store/sqlite/sqlite-store.js';
import type { Store } from '../../../engine/store/store.js';

export const PASSWORD = 'password-123';

export interface ApiHarness {
  app: FastifyInstance;
  store: Store;
  bus: Bus;
  auth: AuthService;
  executions: ExecutionService;
  /** An API key per role; users are named after their role. */
  keys: Record<Role, string>;
  /** Headers authenticating as a role. */
  as(role: Role): { 'st2-api-key': string };
  close(): Promise<void>;
}

/**
 * The API on real parts: a temp SQLite store, the memory bus, the real auth service, the built-in
 * packs registered, and one user per role. Nothing consumes the bus, so executions stay `requested`.
 */
export async function makeApiHarness(
  opts: ApiOptions = {},
  tokenTtlS = 3600,
  logger: Logger = silentLogger,
): Promise<ApiHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'squall-api-'));
  const store = await createSqliteStore({ kind: 'sqlite', path: join(dir, 'squall.db') }, { logger });
  await store.init();
  const bus = await createMemoryBus({ kind: 'memory' }, { logger });
  const runners = createRunnerRegistry();
  const executions = createExecutionService({
    store,
    bus,
    runners,
    logger,
    secrets: new SecretParameters(KvCipher.fromKey(randomBytes(32))),
    timeouts: { defaultTimeoutS: 60, maxTimeoutS: 3600 },
  });
  const auth = createAuthService(store, { tokenTtlS, logger });
  const packDirs = [builtinPacksDir()];
  await registerPacks(store, packDirs);
  const app = buildApi(
    {
      store,
      bus,
      executions,
      auth,
      runners,
      logger,
      registerPacks: (o) => registerPacks(store, packDirs, o.packs ? { packs: o.packs } : {}),
    },
    { publicUrl: 'https://squall.test/', ...opts },
  );
  await app.ready();
  const keys = {} as Record<Role, string>;
  for (const role of ['admin', 'operator', 'viewer'] as const) {
    await auth.createUser(role, PASSWORD, [role]);
    keys[role] = (await auth.createApiKey(role)).key;
  }
  return {
    app,
    store,
    bus,
    auth,
    executions,
    keys,
    as: (role) => ({ 'st2-api-key': keys[role] }),
    async close() {
      await app.close();
      await bus.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
