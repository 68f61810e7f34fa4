import { describe, expect, it } from 'vitest';
import { isSlackConfigured, resolveSlackConfig } from '../../../bot/slack/slack-config.js';

const problem = (input: unknown, env: Record<string, string | undefined> = {}): string => {
  try {
    resolveSlackConfig(input, env);
  } catch (e) {
    expect((e as { code?: string }).code).toBe('SQ_CONFIG_INVALID');
    return (e as Error).message;
  }
  throw new Error('expected a configuration error');
};

describe('resolveSlackConfig', () => {
  it('applies the defaults: http without an app token, replies in threads, 12000-char uploads', () => {
    const c = resolveSlackConfig({ bot_token: 'xoxb-1', signing_secret: 's' }, {});
    expect(c).toMatchObject({
      mode: 'http',
      apiUrl: 'https://slack.com/api/',
      replyInThread: true,
      resultMode: 'reply',
      uploadThreshold: 12_000,
      identityByEmail: false,
      command: '/squall',
      minIntervalMs: 1000,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('fills from SQUALL_SLACK_* variables, picks socket mode with an app token, adds the trailing slash', () => {
    const c = resolveSlackConfig(undefined, {
      SQUALL_SLACK_BOT_TOKEN: 'xoxb-env',
      SQUALL_SLACK_APP_TOKEN: 'xapp-env',
      SQUALL_SLACK_API_URL: 'https://slack-gov.com/api',
    });
    expect(c).toMatchObject({
      botToken: 'xoxb-env',
      appToken: 'xapp-env',
      mode: 'socket',
      apiUrl: 'https://slack-gov.com/api/',
    });
    expect(
      resolveSlackConfig({ bot_token: 'xoxb-file', signing_secret: 's' }, { SQUALL_SLACK_BOT_TOKEN: 'xoxb-env' })
        .botToken,
    ).toBe('xoxb-file');
  });

  it('names each wrong or missing value without showing secrets', () => {
    expect(problem({ bot_token: 'xapp-1-SECRET', signing_secret: 's' })).toBe(
      'slack.bot_token must start with xoxb- (got xapp-...)',
    );
    expect(problem({ bot_token: 'xoxb-1' })).toBe(
      'slack.signing_secret is required in http mode (or set SQUALL_SLACK_SIGNING_SECRET)',
    );
    expect(problem({ bot_token: 'xoxb-1', mode: 'socket' })).toBe(
      'slack.app_token is required in socket mode (or set SQUALL_SLACK_APP_TOKEN)',
    );
    expect(problem({ bot_token: 'xoxb-1', app_token: 'xoxb-2' })).toBe(
      'slack.app_token must start with xapp- (got xoxb-...)',
    );
    expect(problem({})).toContain('slack.bot_token is required (or set SQUALL_SLACK_BOT_TOKEN)');
    expect(problem({ bot_token: 'xoxb-1', signing_secret: 's', api_url: 'slack.com' })).toContain(
      'slack.api_url must be an http(s) URL',
    );
    expect(problem({ bot_token: 'xoxb-1', signing_secret: 's', reply_in_thread: 'yes' })).toMatch(
      /^slack\.reply_in_thread: /,
    );
    expect(problem({ bot_token: 'xoxb-1', signing_secret: 's', tokn: 'x' })).toBe('slack: unknown key(s) "tokn"');
    expect(problem({ bot_token: 'xoxb-1', signing_secret: 's', channels: { C1: { threads: false } } })).toContain(
      'slack.channels.C1: unknown key(s) "threads"',
    );
    expect(problem({ bot_token: 'plain-HIDDENVALUE', signing_secret: 's' })).not.toContain('HIDDENVALUE');
    const proxy = problem({ bot_token: 'xoxb-1', signing_secret: 's', api_url: 'htps://ops:PROXYPASS@proxy/api/' });
    expect(proxy).toContain('(got "htps://********@proxy/api/")');
    expect(proxy).not.toContain('PROXYPASS');
  });

  it('reports every problem at once', () => {
    const msg = problem({ bot_token: 'nope', mode: 'socket', command: 'squall' });
    expect(msg.split('\n')).toHaveLength(3);
  });

  it('knows whether Slack is configured at all', () => {
    expect(isSlackConfigured(undefined, {})).toBe(false);
    expect(isSlackConfigured(undefined, { SQUALL_SLACK_BOT_TOKEN: 'xoxb-1' })).toBe(true);
    expect(isSlackConfigured({}, {})).toBe(true);
  });
});
