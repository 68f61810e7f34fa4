import { maskSecrets } from '../actions/parameters.js';
import type { Execution } from '../model/execution.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import type { RunnerRegistry } from '../runners/runner-registry.js';
import { presentAction } from './present-action.js';

/** StackStorm's ActionExecutionAPI shape, as st2 clients read it. */
export interface ExecutionApi {
  id: string;
  action: JsonObject;
  runner: { name: string; description: string; runner_parameters: JsonObject };
  parameters: JsonObject;
  status: string;
  start_timestamp: string;
  end_timestamp?: string;
  elapsed_seconds?: number;
  result: JsonObject;
  context: JsonObject;
  log: JsonObject[];
  parent?: string;
  children: string[];
  /** Milliseconds it waited `delayed` before it could be scheduled (StackStorm's `delay`). */
  delay?: number;
  web_url?: string;
}

export interface PresentOptions {
  runners: RunnerRegistry;
  /** Show secret parameters in clear (admins asking with `?show_secrets=true`). */
  showSecrets: boolean;
  /** Base URL for `web_url`; none when undefined. */
  publicUrl: string | undefined;
}

/**
 * An execution as the API shows it. Secret parameters (by the runner's and action's specs together)
 * are masked unless `showSecrets`; stdout and results were already masked when the runner stored them.
 */
export function presentExecution(e: Execution, opts: PresentOptions): ExecutionApi {
  const runner = opts.runners.get(e.runner_type);
  const specs = opts.runners.specsOf(e.action);
  const out: ExecutionApi = {
    id: e.id,
    action: presentAction(e.action, { showSecrets: opts.showSecrets, runnerParams: runner?.parameters }),
    runner: {
      name: e.runner_type,
      description: runner?.description ?? '',
      runner_parameters: (runner?.parameters ?? {}) as JsonObject,
    },
    parameters: opts.showSecrets ? e.parameters : maskSecrets(specs, e.parameters),
    status: e.status,
    start_timestamp: e.start_timestamp,
    result: e.result ?? {},
    context: e.context as JsonObject,
    log: e.log as unknown as JsonObject[],
    children: e.children,
  };
  if (e.end_timestamp) {
    out.end_timestamp = e.end_timestamp;
    out.elapsed_seconds = (Date.parse(e.end_timestamp) - Date.parse(e.start_timestamp)) / 1000;
  }
  if (e.parent) out.parent = e.parent;
  if (e.delay !== undefined) out.delay = e.delay;
  // The web UI's page of the execution, as StackStorm's web_url links to st2web.
  if (opts.publicUrl) out.web_url = `${opts.publicUrl}/executions/${e.id}`;
  return out;
}

/** The value a `GET /executions/{id}/attribute/{name}` answers: one top-level field of the presented execution. */
export function executionAttribute(e: ExecutionApi, name: string): JsonValue | undefined {
  return (e as unknown as Record<string, JsonValue | undefined>)[name];
}
