/**
 * What the garbage collector asks of a repo: the records older than `before` (ISO) that may go.
 * `dryRun` counts them without deleting; `limit` bounds one batch, so that a large backlog is deleted
 * in steps that never hold the store for long.
 */
export interface PurgeRequest {
  before: string;
  dryRun?: boolean;
  limit?: number;
}
