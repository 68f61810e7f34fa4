export { createTeamsAdapter, TeamsAdapter, type TeamsAdapterDeps } from './teams-adapter.js';
export {
  isTeamsConfigured,
  type ResolvedTeamsConfig,
  resolveTeamsConfig,
  type TeamsOptions,
  teamsConfigSchema,
} from './teams-config.js';
export { formatTeamsMessage, type TeamsRendered } from './teams-format.js';
