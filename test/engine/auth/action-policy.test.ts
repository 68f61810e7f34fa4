import { describe, expect, it } from 'vitest';
import { ActionPolicy } from '../../../engine/auth/action-policy.js';

const op = { user: 'opal', roles: ['operator' as const] };
const admin = { user: 'ada', roles: ['admin' as const] };

describe('ActionPolicy', () => {
  it('lets every runner role run every action when no rules are set (execution:run covers core.local)', () => {
    const p = new ActionPolicy();
    expect(p.refusal(op, 'core.local')).toBeUndefined();
    expect(p.refusal(admin, 'core.remote_sudo')).toBeUndefined();
  });

  it('refuses roles without execution:run whatever the rules', () => {
    expect(new ActionPolicy().refusal({ user: 'vic', roles: ['viewer'] }, 'core.noop')).toMatch(/execution:run/);
  });

  it('deny wins over allow, by glob on the action ref', () => {
    const p = new ActionPolicy({ operator: { allow: ['core.*'], deny: ['core.local*'] } });
    expect(p.refusal(op, 'core.noop')).toBeUndefined();
    expect(p.refusal(op, 'core.local')).toMatch(
      /role operator denies it \(auth\.roles\.operator\.actions\.deny: "core\.local\*"\)/,
    );
    expect(p.refusal(op, 'core.local_sudo')).toMatch(/denies/);
    expect(p.refusal(op, 'ops.deploy')).toMatch(/role operator allows only "core\.\*"/);
    expect(p.refusal(admin, 'core.local')).toBeUndefined();
  });

  it('a user with several roles may run what any of their runner roles permits', () => {
    const p = new ActionPolicy({ operator: { deny: ['core.local'] } });
    expect(p.refusal({ user: 'x', roles: ['operator', 'admin'] }, 'core.local')).toBeUndefined();
    expect(p.refusal({ user: 'y', roles: ['operator', 'viewer'] }, 'core.local')).toMatch(/denies/);
  });

  it('assert throws SQ_FORBIDDEN naming the user, role and action', () => {
    const p = new ActionPolicy({ operator: { deny: ['core.local'] } });
    expect(() => p.assert(op, 'core.local')).toThrow(
      expect.objectContaining({
        code: 'SQ_FORBIDDEN',
        message: expect.stringMatching(
          /User "opal" \(roles: operator\) may not run action "core\.local": role operator denies it/,
        ),
      }),
    );
  });
});
