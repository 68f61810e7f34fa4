import type { AliasMatcher, MatchOutcome } from '../../aliases/matcher.js';
import { SquallError } from '../errors.js';
import type { ActionAlias } from '../model/alias.js';

/** Who asks to run an alias: the Squall user (from chat identity mapping or the API credential). */
export interface AliasUser {
  user: string;
  roles: readonly string[];
}

/** Where the alias is to run: the chat channel (or an API call's `source_channel`), and whether it is a DM. */
export interface AliasPlace {
  channel: string;
  direct: boolean;
}

/**
 * Why this user may not use this alias here (its Squall-only `permissions` and `channels`), or
 * undefined when they may. The one rule for the chat router and `/api/v1/aliasexecution*`.
 */
export function aliasRefusal(alias: ActionAlias, who: AliasUser, place: AliasPlace): string | undefined {
  const p = alias.permissions;
  if (p && (p.users?.length || p.roles?.length)) {
    const byUser = p.users?.includes(who.user) ?? false;
    const byRole = p.roles?.some((r) => who.roles.includes(r)) ?? false;
    if (!byUser && !byRole) return `alias ${alias.ref} is limited to some users and roles`;
  }
  if (alias.channels && alias.channels.length > 0) {
    const here = alias.channels.includes(place.channel) || (place.direct && alias.channels.includes('dm'));
    if (!here) return `alias ${alias.ref} is not available in ${place.direct ? 'direct messages' : 'this channel'}`;
  }
  return undefined;
}

/** May this user use this alias here? */
export function aliasAllowed(alias: ActionAlias, who: AliasUser, place: AliasPlace): boolean {
  return aliasRefusal(alias, who, place) === undefined;
}

function forbidden(who: AliasUser, display: string, why: string): SquallError {
  return new SquallError('SQ_FORBIDDEN', `You (${who.user}) are not allowed to run "${display}" here: ${why}.`);
}

/** Throws SQ_FORBIDDEN ("You (u) are not allowed to run "<display>" here: <why>.") unless allowed. */
export function assertAliasAllowed(alias: ActionAlias, who: AliasUser, place: AliasPlace, display: string): void {
  const why = aliasRefusal(alias, who, place);
  if (why !== undefined) throw forbidden(who, display, why);
}

/**
 * Matches a command among the aliases this user may use here. Restricted aliases are invisible to
 * the match (so another alias can win), but when only a restricted alias would match, the answer is
 * SQ_FORBIDDEN saying so rather than "unknown command".
 */
export function matchAllowed(matcher: AliasMatcher, command: string, who: AliasUser, place: AliasPlace): MatchOutcome {
  const outcome = matcher.match(command, (a) => aliasAllowed(a, who, place));
  if (outcome.kind !== 'none') return outcome;
  const unrestricted = matcher.match(command);
  if (unrestricted.kind === 'match') {
    const first = unrestricted.matches[0]!;
    throw forbidden(who, first.display, aliasRefusal(first.alias, who, place) ?? 'it is restricted');
  }
  return outcome;
}
