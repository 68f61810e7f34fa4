import type { Role } from '../model/auth.js';

const ALL: readonly Role[] = ['admin', 'operator', 'viewer'];
const OPERATORS: readonly Role[] = ['admin', 'operator'];
const ADMINS: readonly Role[] = ['admin'];

/**
 * Which roles hold each permission. Roles are fixed (admin ⊇ operator ⊇ viewer); StackStorm's custom
 * RBAC roles are not supported. `*:own` permissions cover the caller's own records; the `*:any`
 * forms cover everyone's.
 */
export const PERMISSIONS = {
  'action:read': ALL,
  'action:write': ADMINS,
  'runner:read': ALL,
  'pack:read': ALL,
  'pack:register': ADMINS,
  /** Install and remove packs (`POST /api/v1/packs/install`, `/uninstall`): they run code on the runners. */
  'pack:install': ADMINS,
  'alias:read': ALL,
  'alias:write': ADMINS,
  'rule:read': ALL,
  /** Create, change, enable, disable and delete rules. A rule runs its action as its `context.user`. */
  'rule:write': ADMINS,
  'trigger:read': ALL,
  'sensor:read': ALL,
  /** Enable or disable a pack's sensor (StackStorm's sensor_type_modify). */
  'sensor:write': ADMINS,
  /** Re-emit a stored trigger instance. */
  'trigger:write': ADMINS,
  'execution:read': ALL,
  'execution:run': OPERATORS,
  'execution:cancel': OPERATORS,
  'execution:rerun': OPERATORS,
  /** Run as another user (`context.user`) or set system-only context keys such as `chat`. */
  'execution:impersonate': ADMINS,
  /** See secret parameters in clear with `?show_secrets=true`. */
  'execution:show_secrets': ADMINS,
  'apikey:own': ALL,
  'apikey:any': ADMINS,
  /** Read one's own user record (`GET /api/v1/user`). */
  'self:read': ALL,
  'user:read': ADMINS,
  'user:create': ADMINS,
  'user:update': ADMINS,
  'user:nickname': ADMINS,
  'stream:read': ALL,
  /** `GET /api/v1/webhooks`. */
  'webhook:read': ALL,
  /** `POST /api/v1/webhooks/<url>` with a token or API key (a signed request needs none). */
  'webhook:send': OPERATORS,
  'trace:read': ALL,
  'policy:read': ALL,
  /** Change (enable, disable, re-parameterise) a pack's policy. */
  'policy:write': ADMINS,
  /** `POST /api/v1/gc`: delete (or count) records past their retention now. */
  'gc:run': ADMINS,
  /** `GET /metrics` (unless `metrics.public: true`). */
  'metrics:read': ALL,
  /** `GET /api/v1/status`: the deployment's live processes and their roles. */
  'status:read': ALL,
  /** List and read inquiries (`core.ask`'s questions). */
  'inquiry:read': ALL,
  /** Answer an inquiry; a user an ask names in `users` may answer it without this. */
  'inquiry:respond': OPERATORS,
  'kv:read': ALL,
  /** Write `st2kv.system` items (everyone reads them, secrets shown encrypted; own `st2kv.user` items need only kv:read). */
  'kv:write': OPERATORS,
  /** Other users' `st2kv.user` items (`?user=`), `?decrypt=true` on system secrets, pre-encrypted imports. */
  'kv:any': ADMINS,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Permissions given to roles besides their own (`auth.roles.<role>.grant` in squall.yaml). */
export type PermissionGrants = Readonly<Partial<Record<Role, readonly Permission[]>>>;

/** True when any of `roles` holds `permission`, by the table or by a grant. */
export function rolesCan(roles: readonly Role[], permission: Permission, grants: PermissionGrants = {}): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return roles.some((r) => allowed.includes(r) || grants[r]?.includes(permission) === true);
}
