import { silentLogger } from '../../engine/logger.js';
import type { Action, Pack, ParamSpecs } from '../../engine/model/action.js';
import type { Execution, OutputStream } from '../../engine/model/execution.js';
import type { JsonObject } from '../../engine/model/json.js';
import type { RunContext } from '../../engine/runners/runner.js';

export interface TestRunContextInput {
  parameters?: JsonObject;
  runnerType?: string;
  /** Action parameter specs (positions for script runners). */
  actionParameters?: ParamSpecs;
  entryPoint?: string;
  /** A pack folder; entry points resolve against `<packPath>/actions/`. */
  packPath?: string;
  /** @default 60 */
  timeoutS?: number;
  env?: Record<string, string>;
}

export interface TestRunContext {
  ctx: RunContext;
  controller: AbortController;
  /** Every chunk emitted, in order. */
  chunks: { stream: OutputStream; data: string }[];
  /** All emitted text of one stream joined. */
  emitted(stream: OutputStream): string;
}

/** A RunContext for one runner call, with a real AbortController and output captured from `emit`. */
export function makeRunContext(input: TestRunContextInput = {}): TestRunContext {
  const now = new Date().toISOString();
  const action: Action = {
    id: 'a'.repeat(24),
    uid: 'action:test:act',
    ref: 'test.act',
    pack: 'test',
    name: 'act',
    description: '',
    enabled: true,
    runner_type: input.runnerType ?? 'local-shell-cmd',
    entry_point: input.entryPoint ?? '',
    parameters: input.actionParameters ?? {},
  };
  const pack: Pack | undefined = input.packPath
    ? {
        id: 'p'.repeat(24),
        uid: 'pack:test',
        ref: 'test',
        name: 'test',
        description: '',
        version: '1.0.0',
        author: 't',
        path: input.packPath,
      }
    : undefined;
  const parameters = input.parameters ?? {};
  const execution: Execution = {
    id: 'e'.repeat(24),
    action,
    runner_type: action.runner_type,
    parameters,
    status: 'running',
    start_timestamp: now,
    context: { user: 'tester' },
    log: [],
    children: [],
    attempts: 1,
    updated_at: now,
  };
  const controller = new AbortController();
  const chunks: { stream: OutputStream; data: string }[] = [];
  const ctx: RunContext = {
    execution,
    action,
    pack,
    parameters,
    signal: controller.signal,
    timeoutS: input.timeoutS ?? 60,
    emit: (stream, data) => {
      chunks.push({ stream, data });
    },
    env: input.env ?? {},
    logger: silentLogger,
  };
  return {
    ctx,
    controller,
    chunks,
    emitted: (stream) =>
      chunks
        .filter((c) => c.stream === stream)
        .map((c) => c.data)
        .join(''),
  };
}
