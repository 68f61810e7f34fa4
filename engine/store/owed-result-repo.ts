/** A chat command's result that Squall has promised to post and not yet posted. */
export interface OwedResult {
  execution_id: string;
  /** Where the result goes (the notification route, for example `chat`). */
  route: string;
  created_at: string;
}

/**
 * The ledger of chat results owed: written when the router accepts a command, settled when the
 * result is posted, and swept for results whose notification was lost. One entry per execution.
 */
export interface OwedResultRepo {
  /** Records the debt; owing again for the same execution keeps the first entry. */
  owe(executionId: string, route: string): Promise<void>;
  /** Every owed result, oldest first. */
  list(): Promise<OwedResult[]>;
  /** Forgets the debt (posted, or the execution is gone); a no-op when nothing is owed. */
  settle(executionId: string): Promise<void>;
}
