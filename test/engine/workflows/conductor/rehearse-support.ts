import { parse } from 'yaml';
import { type Rehearsal, type RehearsalResult, rehearse } from '../../../../engine/workflows/rehearse.js';

/** Rehearses a workflow written as YAML text, with optional input and scripted results. */
export function run(
  workflow: string,
  opts: {
    input?: Record<string, unknown>;
    results?: Rehearsal['action_results'];
    st2kv?: Record<string, unknown>;
  } = {},
): RehearsalResult {
  return rehearse({
    workflow: parse(workflow) as unknown,
    input: opts.input,
    action_results: opts.results,
    st2kv: opts.st2kv,
  });
}
