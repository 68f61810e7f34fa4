// Imports nothing, so that the web UI's bundle shares the list rather than keeping a copy.
export const EXECUTION_STATUSES = [
  'requested',
  // Held by a concurrency policy until a slot frees, or by a retry policy's delay (StackStorm's status).
  'delayed',
  'scheduled',
  'running',
  // An inquiry (core.ask) waiting for its answer (StackStorm's status).
  'pending',
  // Workflows only: pause lets running tasks finish and starts nothing new (StackStorm's statuses).
  'pausing',
  'paused',
  'resuming',
  'canceling',
  'succeeded',
  'failed',
  'timeout',
  'canceled',
  'abandoned',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const TERMINAL_STATUSES: readonly ExecutionStatus[] = [
  'succeeded',
  'failed',
  'timeout',
  'canceled',
  'abandoned',
];
