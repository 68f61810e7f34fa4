import type { OutputChunk, OutputStream } from '../model/execution.js';
import type { PurgeRequest } from './purge.js';

export interface OutputRepo {
  /** Appends chunks in order; returns them with their assigned `seq`. */
  append(
    chunks: { execution_id: string; stream: OutputStream; data: string; timestamp?: string }[],
  ): Promise<OutputChunk[]>;
  /** Chunks of one execution in order, optionally after a `seq` and of one stream. */
  list(executionId: string, opts?: { afterSeq?: number; stream?: OutputStream }): Promise<OutputChunk[]>;
  /** Garbage collection: deletes chunks written before `before` of executions that are terminal (or gone). */
  purge(req: PurgeRequest): Promise<number>;
}
