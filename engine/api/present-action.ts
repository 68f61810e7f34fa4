import { MASK } from '../actions/parameters.js';
import type { Action, ParamSpecs } from '../model/action.js';
import type { JsonObject } from '../model/json.js';

/**
 * An action as the API shows it (StackStorm's ActionAPI). A parameter's `default` is masked when the
 * parameter is secret — by the action or by its runner — since packs sometimes ship real credentials
 * as defaults.
 */
export function presentAction(
  a: Action,
  opts: { showSecrets: boolean; runnerParams?: ParamSpecs | undefined },
): JsonObject {
  const parameters: ParamSpecs = {};
  for (const [name, spec] of Object.entries(a.parameters)) {
    const secret = spec.secret === true || opts.runnerParams?.[name]?.secret === true;
    parameters[name] =
      secret && !opts.showSecrets && spec.default !== undefined && spec.default !== null
        ? { ...spec, default: MASK }
        : spec;
  }
  return { ...(a as unknown as JsonObject), parameters: parameters as JsonObject };
}
