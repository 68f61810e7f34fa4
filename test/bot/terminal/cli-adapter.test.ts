import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage, ChatReply, PostedRef } from '../../../bot/chat-adapter.js';
import { CliAdapter, type CliAdapterOptions } from '../../../bot/terminal/cli-adapter.js';

/** A shell over in-memory streams; `text()` is everything printed so far. */
function shell(opts: Partial<CliAdapterOptions> & { tty?: boolean } = {}) {
  const input = new PassThrough();
  const output = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  if (opts.tty) {
    output.isTTY = true;
    output.columns = 100;
  }
  let printed = '';
  output.on('data', (b: Buffer) => {
    printed += b.toString('utf8');
  });
  const adapter = new CliAdapter({ input, output, user: 'alice', ...opts });
  return {
    adapter,
    input,
    type: (line: string) => input.write(`${line}\n`),
    text: () => printed,
  };
}

const started: CliAdapter[] = [];
async function start(s: ReturnType<typeof shell>): Promise<ReturnType<typeof shell>> {
  started.push(s.adapter);
  await s.adapter.start();
  return s;
}

afterEach(async () => {
  for (const a of started.splice(0)) await a.stop();
});

describe('CliAdapter', () => {
  it('turns each typed line into a direct ChatMessage and prints the ack', async () => {
    const s = await start(shell());
    const seen: ChatMessage[] = [];
    s.adapter.onMessage(async (m) => {
      seen.push(m);
      return { message: { text: `On it: ${m.text}`, title: 'Execution 42 requested', tone: 'info' } };
    });
    s.type('  !run date  ');
    s.type('');
    await s.adapter.whenIdle();

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      platform: 'cli',
      channel: 'shell',
      user: 'alice',
      text: '!run date',
      mentioned: false,
      direct: true,
    });
    expect(s.text()).toContain('Execution 42 requested');
    expect(s.text()).toContain('On it: !run date');
  });

  it('uses the channel it is given', async () => {
    const s = await start(shell({ channel: 'ops' }));
    const channels: string[] = [];
    s.adapter.onMessage(async (m) => {
      channels.push(m.channel);
      return undefined;
    });
    s.type('hello');
    await s.adapter.whenIdle();
    expect(channels).toEqual(['ops']);
    expect(s.text()).toBe('');
  });

  it('prints acks in the order the lines were typed, even when an earlier one is slower', async () => {
    const s = await start(shell());
    s.adapter.onMessage(async (m) => {
      if (m.text === 'first') await new Promise((r) => setTimeout(r, 50));
      return { message: { text: `ack ${m.text}` } };
    });
    s.type('first');
    s.type('second');
    await new Promise((r) => setTimeout(r, 10));
    await s.adapter.whenIdle();
    const out = s.text();
    expect(out.indexOf('ack first')).toBeGreaterThanOrEqual(0);
    expect(out.indexOf('ack first')).toBeLessThan(out.indexOf('ack second'));
  });

  it('hands the posted ack ref to onPosted, so that a result can follow it', async () => {
    const s = await start(shell());
    const refs: PostedRef[] = [];
    s.adapter.onMessage(
      async (): Promise<ChatReply> => ({ message: { text: 'ack' }, onPosted: async (ref) => void refs.push(ref) }),
    );
    s.type('!run date');
    await s.adapter.whenIdle();
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatchObject({ platform: 'cli', channel: 'shell' });
    expect(refs[0]?.id).toBeTruthy();
  });

  it('prints posted results with their title, text and code, and updates as a new edited message', async () => {
    const s = await start(shell());
    const ref = await s.adapter.post(
      { platform: 'cli', channel: 'shell' },
      { title: 'core.local succeeded', text: 'Took 1.2 s', code: 'Mon Jan  1 00:00:00 UTC 2024', tone: 'success' },
    );
    await s.adapter.update(ref, { text: 'now with more detail', tone: 'info' });
    const out = s.text();
    expect(out).toContain('core.local succeeded');
    expect(out).toContain('Took 1.2 s');
    expect(out).toContain('│ Mon Jan  1 00:00:00 UTC 2024');
    expect(out).toContain('✔');
    expect(out).toMatch(/edited[\s\S]*now with more detail/);
    expect(ref).toMatchObject({ platform: 'cli', channel: 'shell' });
  });

  it('marks messages posted to another channel with that channel', async () => {
    const s = await start(shell());
    await s.adapter.post({ platform: 'cli', channel: 'ops' }, { text: 'deploy done' });
    expect(s.text()).toContain('#ops');
    expect(s.text()).toContain('deploy done');
  });

  it('renders ``` fences in text as code and lists buttons as replies to type', async () => {
    const s = await start(shell());
    await s.adapter.post(
      { platform: 'cli', channel: 'shell' },
      {
        text: 'Output:\n```\nline one\nline two\n```\nDone.',
        buttons: [{ id: 'a', label: 'Approve', value: '!approve 7', style: 'primary' }],
      },
    );
    const out = s.text();
    expect(out).toContain('│ line one');
    expect(out).toContain('│ line two');
    expect(out).not.toContain('```');
    expect(out).toContain('Approve: !approve 7');
  });

  it('writes no colour codes unless asked, and colours when asked', async () => {
    const plain = await start(shell({ color: false }));
    await plain.adapter.post({ platform: 'cli', channel: 'shell' }, { text: 'boom', title: 'Failed', tone: 'failure' });
    expect(plain.text()).toContain('Failed');
    expect(plain.text()).not.toContain('\u001b[');

    const coloured = await start(shell({ color: true }));
    await coloured.adapter.post(
      { platform: 'cli', channel: 'shell' },
      { text: 'boom', title: 'Failed', tone: 'failure' },
    );
    expect(coloured.text()).toContain('\u001b[31m'); // red for failure
  });

  it('shows a failing handler as one error line and keeps going', async () => {
    const s = await start(shell());
    s.adapter.onMessage(async (m) => {
      if (m.text === 'bad') throw new Error('the router fell over');
      return { message: { text: `ok ${m.text}` } };
    });
    s.type('bad');
    s.type('good');
    await new Promise((r) => setTimeout(r, 10));
    await s.adapter.whenIdle();
    expect(s.text()).toContain('the router fell over');
    expect(s.text()).not.toContain('    at '); // no stack
    expect(s.text()).toContain('ok good');
  });

  it('settles `closed` when the input ends, after handling what was typed', async () => {
    const s = await start(shell());
    const handled: string[] = [];
    s.adapter.onMessage(async (m) => {
      handled.push(m.text);
      return undefined;
    });
    s.type('last words');
    s.input.end();
    await s.adapter.closed;
    expect(handled).toEqual(['last words']);
  });

  it('keeps history in a private file and recalls it with the up arrow in the next session', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'squall-shell-'));
    const historyFile = join(dir, 'shell-history');
    const first = await start(shell({ tty: true, historyFile }));
    first.adapter.onMessage(async () => undefined);
    first.input.write('!run uptime\r');
    await first.adapter.whenIdle();
    await first.adapter.stop();
    await expect.poll(async () => readFile(historyFile, 'utf8').catch(() => '')).toContain('!run uptime');
    expect((await stat(historyFile)).mode & 0o777).toBe(0o600);

    const second = await start(shell({ tty: true, historyFile }));
    const seen: string[] = [];
    second.adapter.onMessage(async (m) => {
      seen.push(m.text);
      return undefined;
    });
    second.input.write('\u001b[A\r'); // Up, Enter
    await expect.poll(() => seen).toEqual(['!run uptime']);
  });
});
