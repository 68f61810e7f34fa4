import type { Topic } from '../../engine/bus/bus.js';
import type { RoleNames } from '../../engine/config/config-schema.js';
import { apiRole } from './api-role.js';
import { botRole } from './bot-role.js';
import { gcRole } from './gc-role.js';
import { notifierRole } from './notifier-role.js';
import { consumerGroup, type Role } from './role.js';
import { rulesRole } from './rules-role.js';
import { runnerRole } from './runner-role.js';
import { schedulerRole } from './scheduler-role.js';
import { sensorsRole } from './sensors-role.js';
import { timersRole } from './timers-role.js';
import { workflowRole } from './workflow-role.js';

/**
 * Every role a Squall process can run, in start order. A new role (timers, garbage collection, the
 * rules engine) is a module in this folder and a row here; the config schema, `squall start --help`
 * and the bus's consumer groups follow.
 */
export const ROLES: readonly Role[] = [
  apiRole,
  schedulerRole,
  runnerRole,
  notifierRole,
  workflowRole,
  rulesRole,
  botRole,
  timersRole,
  sensorsRole,
  gcRole,
];

export const ROLE_NAMES = ROLES.map((r) => r.name) as unknown as RoleNames;

/** Other names `--role` and `roles:` accept for a role: its name before the issue that named them all. */
export const ROLE_ALIASES: Readonly<Record<string, string>> = { workflows: 'workflow' };

/** The work queues (topic and consumer group) an all-in-one process declares. */
export const WORK_QUEUES: readonly [Topic, string][] = ROLES.flatMap((r) =>
  (r.queues ?? []).map((t): [Topic, string] => [t, consumerGroup(r)]),
);
