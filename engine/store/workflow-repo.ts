import type { JsonObject, JsonValue } from '../model/json.js';

/**
 * A running (or finished) orquesta workflow: the conductor's whole state, stored after every event,
 * keyed by the workflow execution's id. `rev` grows by one on each write, so two engines handling
 * events of one workflow at once cannot both win (the loser reloads and applies its event again).
 */
export interface WorkflowRecord {
  /** The workflow execution's id. */
  readonly id: string;
  /** The definition as parsed when the workflow started (a later edit of the file does not change a run). */
  readonly definition: JsonValue;
  /** The conductor's state (ConductorState, plain JSON). */
  readonly state: JsonObject;
  /** True until the workflow's execution has its terminal state: what start-up recovery looks at. */
  readonly active: boolean;
  /** Child executions decided but perhaps not requested yet (a crash between the two is redone). */
  readonly pending: JsonObject[];
  /** Child executions whose terminal state the conductor has been told (a redelivery changes nothing). */
  readonly applied: string[];
  readonly rev: number;
  readonly updated_at: string;
}

export type WorkflowWrite = Pick<WorkflowRecord, 'state' | 'active' | 'pending' | 'applied'>;

export interface WorkflowRepo {
  /** Stores a new workflow at rev 1; false (nothing written) when one with the id exists. */
  create(rec: Pick<WorkflowRecord, 'id' | 'definition'> & WorkflowWrite): Promise<boolean>;
  get(id: string): Promise<WorkflowRecord | undefined>;
  /** Writes when the stored rev is `rev`, returning the record at rev + 1; undefined when it moved on. */
  update(id: string, rev: number, next: WorkflowWrite): Promise<WorkflowRecord | undefined>;
  /** Ids of the workflows still active, oldest first (start-up recovery). */
  listActive(limit: number): Promise<string[]>;
}
