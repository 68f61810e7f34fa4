import { describe, expect, it } from 'vitest';
import { resolveTeamsConfig } from '../../../bot/teams/teams-config.js';

const ID = '11111111-2222-3333-4444-555555555555';

describe('Teams configuration', () => {
  it('reads the app id, password and tenant from the environment', () => {
    const c = resolveTeamsConfig(undefined, {
      SQUALL_TEAMS_APP_ID: ID,
      SQUALL_TEAMS_APP_PASSWORD: 'secret-pw',
      SQUALL_TEAMS_TENANT_ID: ID,
    });
    expect(c).toMatchObject({ appId: ID, tenantId: ID, appType: 'SingleTenant', anonymous: false });
  });

  it('names every bad value at once, never the password', () => {
    expect(() => resolveTeamsConfig({ app_id: 'not-a-guid', tenant_id: 'x', app_password: 'secret-pw' }, {})).toThrow(
      /teams\.app_id must be a GUID[\s\S]*teams\.tenant_id must be a GUID/,
    );
    try {
      resolveTeamsConfig({ app_id: 'not-a-guid', app_password: 'secret-pw' }, {});
    } catch (e) {
      expect(String(e)).not.toContain('secret-pw');
    }
    expect(() => resolveTeamsConfig({}, {})).toThrow(/teams\.app_id is required.*SQUALL_TEAMS_APP_ID/);
    expect(() => resolveTeamsConfig({ app_id: ID }, {})).toThrow(/teams\.app_password is required/);
    expect(() => resolveTeamsConfig({ bogus: 1 }, {})).toThrow(/teams: unknown key\(s\) "bogus"/);
    expect(() => resolveTeamsConfig({}, { SQUALL_TEAMS_ANONYMOUS: 'yes' })).toThrow(/SQUALL_TEAMS_ANONYMOUS must be 1/);
  });

  it('allows anonymous mode only when asked for, and not together with an app id', () => {
    expect(resolveTeamsConfig(undefined, { SQUALL_TEAMS_ANONYMOUS: '1' })).toMatchObject({
      anonymous: true,
      appId: undefined,
    });
    expect(() => resolveTeamsConfig({ app_id: ID }, { SQUALL_TEAMS_ANONYMOUS: '1' })).toThrow(/cannot be combined/);
  });
});
