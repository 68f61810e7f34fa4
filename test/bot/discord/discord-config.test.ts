import { describe, expect, it } from 'vitest';
import { isDiscordConfigured, resolveDiscordConfig } from '../../../bot/discord/discord-config.js';

describe('Discord configuration', () => {
  it('reads the token, application id and API URL from the environment', () => {
    const c = resolveDiscordConfig(undefined, {
      SQUALL_DISCORD_TOKEN: 'tok.en-1',
      SQUALL_DISCORD_APPLICATION_ID: '123456789012345678',
      SQUALL_DISCORD_API_URL: 'http://127.0.0.1:9999/api/v10/',
    });
    expect(c).toMatchObject({
      token: 'tok.en-1',
      applicationId: '123456789012345678',
      apiUrl: 'http://127.0.0.1:9999/api',
      messageContent: false,
      resultMode: 'reply',
    });
    expect(resolveDiscordConfig({ token: 't' }, {}).apiUrl).toBe('https://discord.com/api');
  });

  it('lets squall.yaml win over the environment', () => {
    const c = resolveDiscordConfig({ token: 'from-file', application_id: '42' }, { SQUALL_DISCORD_TOKEN: 'from-env' });
    expect(c).toMatchObject({ token: 'from-file', applicationId: '42' });
  });

  it('names every bad value at once, never the token', () => {
    const bad = () =>
      resolveDiscordConfig(
        { token: 'Bot secret-token', application_id: 'app', guild_id: 'g1', api_url: 'ftp://x' },
        {},
      );
    expect(bad).toThrow(
      /discord\.token must be the bare bot token[\s\S]*discord\.application_id must be a numeric id[\s\S]*discord\.guild_id must be a numeric id[\s\S]*discord\.api_url must be an http\(s\) URL/,
    );
    let message = '';
    try {
      bad();
    } catch (e) {
      message = String(e);
    }
    expect(message).toContain('discord.token');
    expect(message).not.toContain('secret-token');
    expect(() => resolveDiscordConfig({}, {})).toThrow(/discord\.token is required \(or set SQUALL_DISCORD_TOKEN\)/);
    expect(() => resolveDiscordConfig({}, { SQUALL_DISCORD_TOKEN: 't', SQUALL_DISCORD_API_URL: 'not a url' })).toThrow(
      /discord\.api_url must be an http\(s\) URL/,
    );
    expect(() => resolveDiscordConfig({ token: 't', bogus: 1 }, {})).toThrow(/discord: unknown key\(s\) "bogus"/);
    expect(() => resolveDiscordConfig({ token: 't', result_mode: 'both' }, {})).toThrow(/discord\.result_mode/);
  });

  it('is configured by a chat.discord section or SQUALL_DISCORD_TOKEN, not otherwise', () => {
    expect(isDiscordConfigured(undefined, {})).toBe(false);
    expect(isDiscordConfigured(undefined, { SQUALL_DISCORD_APPLICATION_ID: '1' })).toBe(false);
    expect(isDiscordConfigured(undefined, { SQUALL_DISCORD_TOKEN: 't' })).toBe(true);
    expect(isDiscordConfigured({ token: 't' }, {})).toBe(true);
  });
});
