import { newId } from '../../engine/ids.js';
import type { Action, Pack } from '../../engine/model/action.js';
import type { ActionAlias } from '../../engine/model/alias.js';
import type { ApiKey, Token, User } from '../../engine/model/auth.js';
import type { NewExecution } from '../../engine/model/execution.js';

/** An action as a pack would register it; override any field. */
export function makeAction(over: Partial<Action> & { pack?: string; name?: string } = {}): Action {
  const pack = over.pack ?? 'core';
  const name = over.name ?? 'local';
  return {
    id: newId(),
    uid: `action:${pack}:${name}`,
    ref: `${pack}.${name}`,
    pack,
    name,
    description: `${name} action`,
    enabled: true,
    runner_type: 'local-shell-cmd',
    entry_point: '',
    parameters: { cmd: { type: 'string', required: true } },
    ...over,
  };
}

export function makePack(over: Partial<Pack> & { ref?: string } = {}): Pack {
  const ref = over.ref ?? 'core';
  return {
    id: newId(),
    uid: `pack:${ref}`,
    ref,
    name: ref,
    description: `${ref} pack`,
    version: '1.0.0',
    author: 'Squall',
    path: `/opt/packs/${ref}`,
    ...over,
  };
}

export function makeAlias(over: Partial<ActionAlias> & { pack?: string; name?: string } = {}): ActionAlias {
  const pack = over.pack ?? 'chatops';
  const name = over.name ?? 'run';
  return {
    id: newId(),
    uid: `action_alias:${pack}:${name}`,
    ref: `${pack}.${name}`,
    pack,
    name,
    enabled: true,
    action_ref: 'core.local',
    formats: ['run {{cmd}}'],
    ...over,
  };
}

let clock = Date.parse('2030-01-01T00:00:00.000Z');

/** ISO times that strictly increase across calls, so that ordering tests do not depend on the clock. */
export function nextTimestamp(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

/** A `requested` execution of `core.local` by `alice`; override any field. */
export function makeExecution(over: Partial<NewExecution> = {}): NewExecution {
  const action = over.action ?? makeAction();
  return {
    id: newId(),
    action,
    runner_type: action.runner_type,
    parameters: { cmd: 'echo hi' },
    status: 'requested',
    start_timestamp: nextTimestamp(),
    context: { user: 'alice' },
    ...over,
  };
}

export function makeUser(over: Partial<User> = {}): User {
  return {
    name: 'alice',
    roles: ['operator'],
    enabled: true,
    nicknames: {},
    created_at: '2030-01-01T00:00:00.000Z',
    ...over,
  };
}

export function makeApiKey(over: Partial<ApiKey> = {}): ApiKey {
  const key_hash = over.key_hash ?? `hash-${newId()}`;
  return {
    id: newId(),
    uid: `api_key:${key_hash}`,
    user: 'alice',
    key_hash,
    metadata: {},
    enabled: true,
    created_at: '2030-01-01T00:00:00.000Z',
    ...over,
  };
}

export function makeToken(over: Partial<Token> = {}): Token {
  return {
    token_hash: `token-${newId()}`,
    user: 'alice',
    expiry: '2030-01-02T00:00:00.000Z',
    metadata: {},
    ...over,
  };
}
