import { SquallError } from '../../engine/errors.js';
import type { Store } from '../../engine/store/store.js';

/** How long a shell keeps its channel after its last message; every message renews it. */
const CLAIM_TTL_MS = 24 * 3_600_000;

/** The channel of one `squall shell`: `shell-<user>-<pid>`, named for the Squall user who opens it. */
export function shellChannel(user: string, pid: number): string {
  const safe = /^[\w.@-]{1,64}$/.test(user) ? user : user.replace(/[^\w.@-]/g, '_').slice(0, 40) || 'user';
  return `shell-${safe}-${pid}`;
}

/** The user a `shell-<user>-<digits>` channel is named for, or undefined for any other name. */
function namedOwner(channel: string): string | undefined {
  return /^shell-(.+)-\d+$/.exec(channel)?.[1];
}

function refuse(user: string, channel: string, owner: string): SquallError {
  return new SquallError(
    'SQ_FORBIDDEN',
    `Channel "${channel}" is ${owner}'s shell; you (${user}) may post only to a channel of your own, such as ${shellChannel(user, 1)}.`,
  );
}

/**
 * A terminal shell channel belongs to the user who opened it, so nobody can post into someone else's
 * shell (and make a fake result appear there). Only `shell-…` channels may be posted to (400). A channel named `shell-<user>-<n>` for an existing
 * user is theirs alone; any other channel is held by the first user to post to it (a lease on the
 * store, renewed by each message and shared by every API process). Throws SQ_FORBIDDEN otherwise.
 */
export async function claimShellChannel(store: Store, user: string, channel: string): Promise<void> {
  // Other cli channels (the `terminal` of `squall start`'s own shell) are not reachable this way.
  if (!channel.startsWith('shell-')) {
    throw new SquallError(
      'SQ_BAD_REQUEST',
      `Channel "${channel.slice(0, 80)}" is not a shell channel: post to your shell's channel, such as ${shellChannel(user, 1)}.`,
    );
  }
  const named = namedOwner(channel);
  if (named !== undefined && named !== user && (await store.users.get(named))) throw refuse(user, channel, named);
  const lease = `chat:cli-channel:${channel}`;
  if (await store.leases.acquire(lease, user, CLAIM_TTL_MS)) return;
  const holder = (await store.leases.get(lease))?.holder ?? 'another user';
  throw refuse(user, channel, holder);
}
