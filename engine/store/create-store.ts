import type { StoreFactory } from './store.js';

// Drivers load only when chosen, so the embedded preset never pays for mongoose and vice versa.
export const createStore: StoreFactory = async (cfg, deps) =>
  cfg.kind === 'sqlite'
    ? (await import('./sqlite/sqlite-store.js')).createSqliteStore(cfg, deps)
    : (await import('./mongo/mongo-store.js')).createMongoStore(cfg, deps);
