import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, formatSlackMessage, type SlackBlock, splitText } from '../../../bot/slack/slack-format.js';

const sectionTexts = (blocks: SlackBlock[]) => blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : []));
const totalChars = (blocks: SlackBlock[]) => JSON.stringify(blocks).length;

describe('formatSlackMessage', () => {
  it('escapes & < > in text, title and fallback, and nothing else', () => {
    const r = formatSlackMessage({ title: 'a <b> & c', text: 'x < y && *bold* `code`' });
    expect(sectionTexts(r.blocks)).toEqual(['*a &lt;b&gt; &amp; c*', 'x &lt; y &amp;&amp; *bold* `code`']);
    expect(r.text).toBe('a &lt;b&gt; &amp; c\nx &lt; y &amp;&amp; *bold* `code`');
    expect(escapeMrkdwn('<@U1> &amp;')).toBe('&lt;@U1&gt; &amp;amp;');
  });

  it('marks the tone with an emoji on the title, or on the text without one', () => {
    expect(formatSlackMessage({ title: 'Done', text: 'ok', tone: 'success' }).blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':white_check_mark: *Done*' },
    });
    expect(formatSlackMessage({ text: 'boom', tone: 'failure' }).text).toBe(':x: boom');
    expect(formatSlackMessage({ text: 'careful', tone: 'warning' }).text).toBe(':warning: careful');
    expect(formatSlackMessage({ text: 'plain' }).text).toBe('plain');
  });

  it('puts output in code blocks and keeps a ``` inside the output from closing them', () => {
    const r = formatSlackMessage({ text: 'result', code: 'a\n```\nb <c>' });
    expect(sectionTexts(r.blocks)[1]).toBe('```\na\n``\u200b`\nb &lt;c&gt;\n```');
  });

  it('splits output at 3,000 characters per section, at line breaks, staying under the total budget', () => {
    const code = Array.from({ length: 400 }, (_, i) => `${String(i).padStart(4, '0')} ${'x'.repeat(20)}`).join('\n');
    const r = formatSlackMessage({ text: 'out', code }, { uploadThreshold: 20_000 });
    const code_ = sectionTexts(r.blocks).filter((t) => t.startsWith('```'));
    expect(code_.length).toBeGreaterThan(3);
    for (const t of code_) {
      expect(t.length).toBeLessThanOrEqual(3000);
      expect(t).toMatch(/^```\n\d{4} /); // each piece starts on a line boundary
    }
    expect(code_.map((t) => t.slice(4, -4)).join('')).toBe(code);
    expect(totalChars(r.blocks)).toBeLessThan(12_000);
    expect(r.upload).toBeUndefined();
  });

  it('uploads output past the threshold and shows only its end inline', () => {
    const code = `${'start\n'.repeat(3000)}the end`;
    const r = formatSlackMessage({ text: 'big', code, moreUrl: 'https://squall/x?a=1|2' }, { uploadThreshold: 12_000 });
    expect(r.upload).toEqual({ filename: 'squall-output.txt', title: 'Output', content: code });
    const all = JSON.stringify(r.blocks);
    expect(all).toContain('the end');
    expect(all).toContain('attached as a file');
    expect(all).toContain('<https://squall/x?a=1%7C2|Full output>');
    expect(totalChars(r.blocks)).toBeLessThan(4000);
  });

  it('treats a huge text without code as the output itself', () => {
    const text = `\`\`\`\n${'log line\n'.repeat(3000)}\`\`\``;
    const r = formatSlackMessage({ text, tone: 'success' });
    expect(r.upload?.content).toBe(text);
    expect(r.text.length).toBeLessThanOrEqual(3000);
    expect(totalChars(r.blocks)).toBeLessThan(12_000);
  });

  it('cuts output it may not upload (threshold raised) to fit the block budget, keeping the end', () => {
    const code = Array.from({ length: 3000 }, (_, i) => `row ${i}`).join('\n');
    const r = formatSlackMessage({ text: 'x', code }, { uploadThreshold: 1_000_000 });
    expect(r.upload).toBeUndefined();
    expect(r.blocks.length).toBeLessThanOrEqual(50);
    expect(totalChars(r.blocks)).toBeLessThan(13_000);
    const all = JSON.stringify(r.blocks);
    expect(all).toContain('row 2999');
    expect(all).toMatch(/characters of output not shown/);
  });

  it('renders buttons with squall: action ids, within Block Kit limits', () => {
    const r = formatSlackMessage({
      text: 'Approve?',
      buttons: [{ id: 'ok', label: 'L'.repeat(100), value: 'v'.repeat(3000), style: 'primary' }],
    });
    const actions = r.blocks.find((b) => b.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements[0]).toMatchObject({
      type: 'button',
      action_id: 'squall:ok',
      style: 'primary',
    });
    if (actions?.type !== 'actions') throw new Error('no actions block');
    expect(actions.elements[0]?.text.text.length).toBeLessThanOrEqual(75);
    expect(actions.elements[0]?.value.length).toBeLessThanOrEqual(2000);
  });

  it('always has a fallback text, even for output alone', () => {
    expect(formatSlackMessage({ text: '', code: 'only output' }).text).toBe('only output');
    expect(formatSlackMessage({ text: '' }).text.length).toBeGreaterThan(0);
  });
});

describe('splitText', () => {
  it('never splits a surrogate pair or an HTML entity', () => {
    const s = `${'a'.repeat(9)}😀${'b'.repeat(9)}&amp;${'c'.repeat(10)}`;
    for (let max = 6; max < 15; max++) {
      const parts = splitText(s, max);
      expect(parts.join('')).toBe(s);
      for (const p of parts) {
        expect(p.length).toBeLessThanOrEqual(max);
        expect(/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(p)).toBe(false);
        expect(/&[a-z]*$/.test(p) && !p.endsWith(';')).toBe(false);
      }
    }
  });
});
