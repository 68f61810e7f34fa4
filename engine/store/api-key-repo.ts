import type { ApiKey } from '../model/auth.js';
import type { JsonObject } from '../model/json.js';

export interface ApiKeyRepo {
  create(k: ApiKey): Promise<ApiKey>;
  get(id: string): Promise<ApiKey | undefined>;
  getByHash(keyHash: string): Promise<ApiKey | undefined>;
  list(filter?: { user?: string }): Promise<ApiKey[]>;
  update(id: string, patch: { enabled?: boolean; metadata?: JsonObject }): Promise<ApiKey | undefined>;
  delete(id: string): Promise<boolean>;
}
