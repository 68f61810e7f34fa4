import { configReader } from '../engine/config/resolve-config.js';
import { ROLE_ALIASES, ROLE_NAMES } from './roles/role-table.js';

/** `squall.yaml` reading and resolution, with the role table's names as the valid roles. */
export const { parseConfig, loadConfigFile, resolveConfig } = configReader(ROLE_NAMES, ROLE_ALIASES);
