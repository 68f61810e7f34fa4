import { describe, expect, it } from 'vitest';
import { stripBotMention, unescapeSlackText } from '../../../bot/slack/slack-text.js';

describe('unescapeSlackText', () => {
  it.each([
    ['a &amp;&amp; b &lt;c&gt;', 'a && b <c>'],
    ['see <https://example.com|example.com>', 'see example.com'],
    ['see <https://example.com>', 'see https://example.com'],
    ['<http://x.io/a?b=1&amp;c=2|x.io/a?b=1&amp;c=2>', 'x.io/a?b=1&c=2'],
    ['<https://real.target/|click here>', 'https://real.target/'],
    ['mail <mailto:bob@x.io|bob@x.io> or <mailto:eve@x.io>', 'mail bob@x.io or eve@x.io'],
    ['in <#C123|general> and <#C9>', 'in #general and #C9'],
    ['<!here> <!channel> <!subteam^S1|@ops>', '@here @channel @ops'],
    ['ping <@U42> now', 'ping <@U42> now'],
    ['&amp;lt; stays text', '&lt; stays text'],
  ])('%s -> %s', (input, expected) => {
    expect(unescapeSlackText(input)).toBe(expected);
  });
});

describe('stripBotMention', () => {
  it('removes every mention of the bot and the spaces around it, and only the bot', () => {
    expect(stripBotMention('<@UBOT> deploy prod', 'UBOT')).toBe('deploy prod');
    expect(stripBotMention('<@UBOT|squall>: deploy', 'UBOT')).toBe('deploy');
    expect(stripBotMention('hey <@UBOT> ping <@U2>', 'UBOT')).toBe('hey ping <@U2>');
  });
});
