import type { AliasCatalog } from '../aliases/alias-catalog.js';
import type { ExecutionService } from '../executions/execution-service.js';
import type { Logger } from '../logger.js';
import type { Execution } from '../model/execution.js';
import type { JsonObject } from '../model/json.js';
import type { Store } from '../store/store.js';

/** What the alias routes (`/api/v1/actionalias`, `/api/v1/aliasexecution`) need besides the REST API's deps. */
export interface AliasApiDeps {
  store: Store;
  executions: ExecutionService;
  logger: Logger;
  catalog: AliasCatalog;
  /** An execution as the API shows it (secrets masked). */
  present: (e: Execution) => JsonObject;
  /** Base URL for "details at" links in acks. */
  publicUrl?: string;
}
