import { globMatcher } from '../../lib/glob.js';
import { SquallError } from '../errors.js';
import type { Role } from '../model/auth.js';
import { type PermissionGrants, rolesCan } from './permissions.js';

/** `auth.roles.<role>.actions` in squall.yaml: globs over action refs (`core.*`). */
export interface RoleActionRules {
  /** Only these actions; absent means every action. */
  allow?: readonly string[];
  /** Never these, even when `allow` names them (deny wins). */
  deny?: readonly string[];
}

export type ActionRules = Readonly<Partial<Record<Role, RoleActionRules>>>;

/** Who asks to run an action (an API caller, or a chat user after identity mapping). */
export interface ActionRequester {
  user: string;
  roles: readonly Role[];
}

interface CompiledRules {
  allow: { glob: string; test: (ref: string) => boolean }[] | undefined;
  deny: { glob: string; test: (ref: string) => boolean }[];
}

const compile = (globs: readonly string[]) => globs.map((glob) => ({ glob, test: globMatcher(glob) }));

/**
 * Which actions each role may run. `execution:run` covers every action (including `core.local`)
 * unless the role's rules narrow it. A user may run an action when at least one of their roles
 * that holds `execution:run` permits it; within a role, deny wins over allow.
 */
export class ActionPolicy {
  readonly #rules = new Map<Role, CompiledRules>();

  readonly #grants: PermissionGrants;

  /** `grants`: permissions roles hold besides their own, so a role granted `execution:run` runs actions too. */
  constructor(rules: ActionRules = {}, grants: PermissionGrants = {}) {
    this.#grants = grants;
    for (const [role, r] of Object.entries(rules) as [Role, RoleActionRules | undefined][]) {
      if (!r) continue;
      this.#rules.set(role, { allow: r.allow ? compile(r.allow) : undefined, deny: compile(r.deny ?? []) });
    }
  }

  /** Why this requester may not run `ref`, or undefined when they may. */
  refusal(who: ActionRequester, ref: string): string | undefined {
    const runners = who.roles.filter((r) => rolesCan([r], 'execution:run', this.#grants));
    if (runners.length === 0) return `no role of theirs holds "execution:run"`;
    const reasons: string[] = [];
    for (const role of runners) {
      const rules = this.#rules.get(role);
      if (!rules) return undefined;
      const denied = rules.deny.find((d) => d.test(ref));
      if (denied) {
        reasons.push(`role ${role} denies it (auth.roles.${role}.actions.deny: "${denied.glob}")`);
        continue;
      }
      if (rules.allow && !rules.allow.some((a) => a.test(ref))) {
        reasons.push(
          `role ${role} allows only ${rules.allow.map((a) => `"${a.glob}"`).join(', ')} (auth.roles.${role}.actions.allow)`,
        );
        continue;
      }
      return undefined;
    }
    return reasons.join('; ');
  }

  /** Throws SQ_FORBIDDEN naming the action, the user and the role's rule when the requester may not run `ref`. */
  assert(who: ActionRequester, ref: string): void {
    const why = this.refusal(who, ref);
    if (why === undefined) return;
    throw new SquallError(
      'SQ_FORBIDDEN',
      `User "${who.user}" (roles: ${who.roles.join(', ') || 'none'}) may not run action "${ref}": ${why}`,
    );
  }
}
