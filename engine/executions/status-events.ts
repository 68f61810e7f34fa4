import type { Execution } from '../model/execution.js';

/**
 * Receives every execution state change so the public stream (SSE) can show it. The composition
 * root plugs in the stream publisher; tests and benchmarks may pass the no-op.
 */
export interface ExecutionEvents {
  created(e: Execution): void;
  updated(e: Execution): void;
  output(
    e: Pick<Execution, 'id' | 'action' | 'runner_type'>,
    chunk: { stream: 'stdout' | 'stderr'; data: string; seq: number; timestamp: string },
  ): void;
}

export const noExecutionEvents: ExecutionEvents = {
  created() {},
  updated() {},
  output() {},
};
