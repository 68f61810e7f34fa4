import type { ApiDeps, ResolvedApiOptions } from './api-deps.js';

/** What every route module gets: the engine's parts and the resolved API options. */
export interface RouteContext {
  deps: ApiDeps;
  opts: ResolvedApiOptions;
}
