export type { ApiDeps, ApiOptions } from './api-deps.js';
export { buildApi } from './build-api.js';
export { type ExecutionApi, presentExecution } from './present-execution.js';
export { principalOf } from './request-auth.js';
