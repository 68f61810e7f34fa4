import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { APP_ID, BOT, CHANNEL, type DiscordCall, FakeDiscord } from '../fakes/discord/fake-discord.js';
import { type SquallProcess, startSquallProcess } from '../support/squall-process.js';

/** Everything a Discord message body shows (content and embeds). */
function shows(c: DiscordCall, text: string): boolean {
  return JSON.stringify([c.body.content ?? '', c.body.embeds ?? []]).includes(text);
}

/**
 * The ChatOps round trip on Discord through the compiled `squall start`: configured by its
 * environment variables only, Squall connects to the fake gateway found through GET /gateway/bot,
 * registers /squall, and answers a mention (ack, then the result replying to the command) and the
 * slash command (deferred, ack in the deferred reply, result as a follow-up).
 */
describe('Discord end to end through squall start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'squall-discord-e2e-'));
  let fake: FakeDiscord;
  let p: SquallProcess;
  const env = (): Record<string, string> => ({
    SQUALL_DISCORD_TOKEN: 'e2e-token',
    SQUALL_DISCORD_API_URL: fake.apiUrl,
  });

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    writeFileSync(
      join(dir, 'squall.yaml'),
      stringify({
        chat: {
          users: { discord: { '200': 'admin' } },
          progress_every: 1,
          discord: { retry_base_ms: 50, retry_max_ms: 300 },
        },
      }),
    );
    p = await startSquallProcess(dir, [], env());
    await fake.waitForGateway();
  }, 40_000);
  afterAll(async () => {
    await p?.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start with a bad Discord setting, naming it and never the token', async () => {
    const other = mkdtempSync(join(tmpdir(), 'squall-discord-bad-'));
    try {
      const started = startSquallProcess(other, [], {
        SQUALL_DISCORD_TOKEN: 'secret-token-value',
        SQUALL_DISCORD_APPLICATION_ID: 'not-a-number',
        SQUALL_DISCORD_API_URL: 'ftp://example.org',
      });
      const err = await started.then(
        () => undefined,
        (e: unknown) => String(e),
      );
      expect(err).toMatch(
        /discord\.application_id must be a numeric id[\s\S]*discord\.api_url must be an http\(s\) URL/,
      );
      expect(err).not.toContain('secret-token-value');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 40_000);

  it('registers /squall with the application id the gateway gave', async () => {
    const reg = await fake.waitFor((c) => c.method === 'PUT' && c.route === `/applications/${APP_ID}/commands`);
    expect(JSON.stringify(reg.body)).toContain('"name":"squall"');
    expect(reg.auth).toBe('Bot e2e-token');
  });

  it('answers a mention with an ack and the result, both replying to the command', async () => {
    const id = fake.message(`<@${BOT.id}> run echo from-discord`);
    const ack = await fake.waitFor((c) => c.status === 200 && shows(c, 'Running `echo from-discord`'));
    expect(ack.route).toBe(`/channels/${CHANNEL}/messages`);
    expect(ack.body.message_reference).toMatchObject({ message_id: id });
    const result = await fake.waitFor((c) => c.status === 200 && shows(c, 'core.local succeeded'), 15_000);
    expect(result.body.message_reference).toMatchObject({ message_id: id });
    expect(shows(result, 'from-discord')).toBe(true);
  });

  it('defers /squall, puts the ack in the deferred reply and the result in a follow-up', async () => {
    const { id, token } = fake.slash('run echo slashed');
    const defer = await fake.waitFor((c) => c.route === `/interactions/${id}/${token}/callback`);
    expect(defer.body.type).toBe(5);
    const ack = await fake.waitFor((c) => c.route === `/webhooks/${APP_ID}/${token}/messages/@original`);
    expect(shows(ack, 'Running `echo slashed`')).toBe(true);
    const result = await fake.waitFor((c) => shows(c, 'slashed') && shows(c, 'succeeded'), 15_000);
    expect(result).toMatchObject({ method: 'POST', route: `/webhooks/${APP_ID}/${token}` });
  });

  it('edits the ack with elapsed time and the latest output while the command runs, then posts the result', async () => {
    fake.message(`<@${BOT.id}> run printf 'out-%s\\n' one && sleep 3 && printf 'out-%s\\n' two`);
    const progress = await fake.waitFor((c) => c.method === 'PATCH' && shows(c, 'Still running after'), 10_000);
    expect(progress.route).toMatch(new RegExp(`^/channels/${CHANNEL}/messages/\\d+$`));
    expect(shows(progress, 'out-one')).toBe(true);
    expect(shows(progress, 'out-two')).toBe(false);
    const result = await fake.waitFor((c) => c.method === 'POST' && shows(c, 'out-two'), 15_000);
    const edits = fake.calls.filter((c) => c.route === progress.route && shows(c, 'Still running'));
    // At most one edit a second (progress_every: 1) and none after the result.
    expect(edits.length).toBeLessThanOrEqual(4);
    for (const e of edits) expect(e.at).toBeLessThanOrEqual(result.at);
  }, 30_000);

  it('tells an unknown user who to ask, naming their Discord id', async () => {
    fake.message(`<@${BOT.id}> run echo nope`, { user: { id: '300', username: 'mallory' } });
    const reply = await fake.waitFor((c) => shows(c, "don't know you"));
    expect(shows(reply, '300')).toBe(true);
  });

  it('delivers a result that was pending across a restart once', async () => {
    const id = fake.message(`<@${BOT.id}> run sleep 1 && echo pending-done`);
    await fake.waitFor((c) => c.status === 200 && shows(c, 'Running `sleep 1 && echo pending-done`'));
    // Discord goes down before the result is ready: the result waits in Squall's store.
    fake.down(/^POST \/channels\//);
    const isResult = (c: DiscordCall) => shows(c, 'core.local succeeded') && shows(c, 'pending-done');
    await fake.waitFor((c) => c.status === 503 && isResult(c), 15_000);
    await p.stop();
    fake.up();
    p = await startSquallProcess(dir, [], env());
    const result = await fake.waitFor((c) => c.status === 200 && isResult(c), 15_000);
    expect(result.body.message_reference).toMatchObject({ message_id: id });
    // Give a second delivery (redelivered notification, owed-result sweep) the time to happen.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(fake.calls.filter((c) => c.status === 200 && isResult(c))).toHaveLength(1);
    // Posted once; a slow run may also edit it (PATCH) with progress, which is not a second ack.
    expect(
      fake.calls.filter((c) => c.method === 'POST' && c.status === 200 && shows(c, 'Running `sleep 1')),
    ).toHaveLength(1);
  }, 60_000);
});
