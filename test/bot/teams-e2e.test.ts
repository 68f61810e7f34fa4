import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { channelMessage, personalMessage, postActivity } from '../fakes/bot-framework/activities.js';
import { activityText, type ConnectorCall, FakeConnector } from '../fakes/bot-framework/fake-connector.js';
import { type SquallProcess, startSquallProcess } from '../support/squall-process.js';

/**
 * The ChatOps round trip on Teams through the compiled `squall start`: an Activity POSTed to
 * /api/messages on Squall's own port runs the alias; the ack and then the result arrive at the fake
 * connector in the command's reply chain.
 */
describe('Teams end to end through squall start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'squall-teams-e2e-'));
  let fake: FakeConnector;
  let p: SquallProcess;

  beforeAll(async () => {
    fake = await FakeConnector.start();
    writeFileSync(
      join(dir, 'squall.yaml'),
      stringify({
        chat: { users: { teams: { 'aad-alice': 'admin' } }, progress_every: 1, teams: { min_interval_ms: 0 } },
      }),
    );
    p = await startSquallProcess(dir, [], { SQUALL_TEAMS_ANONYMOUS: '1' });
  }, 40_000);
  afterAll(async () => {
    await p?.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says loudly that authentication is off', () => {
    expect(p.stderr()).toContain('TEAMS ANONYMOUS MODE');
  });

  it('answers a mention with an ack and the result in its reply chain', async () => {
    const res = await postActivity(
      `${p.url}/api/messages`,
      channelMessage({ serviceUrl: fake.url, text: 'run echo from-teams', id: 'e2e-1' }),
    );
    expect(res.status).toBe(200);
    const ack = await fake.waitFor((c) => c.verb === 'POST' && activityText(c.body).includes('echo from-teams'));
    expect(ack.activityId).toBe('e2e-1');
    const result = await fake.waitFor((c) => activityText(c.body).includes('core.local succeeded'), 15_000);
    expect(result.activityId).toBe('e2e-1');
    expect(activityText(result.body)).toContain('from-teams');
  });

  it('edits the ack with elapsed time and the latest output while the command runs, then posts the result', async () => {
    await postActivity(
      `${p.url}/api/messages`,
      channelMessage({
        serviceUrl: fake.url,
        text: "run printf 'out-%s\\n' one && sleep 3 && printf 'out-%s\\n' two",
        id: 'e2e-progress',
      }),
    );
    const ack = await fake.waitFor((c) => c.verb === 'POST' && activityText(c.body).includes('Running `printf'));
    const progress = await fake.waitFor(
      (c) => c.verb === 'PUT' && activityText(c.body).includes('Still running'),
      10_000,
    );
    expect(progress.activityId).toBe(ack.id);
    expect(activityText(progress.body)).toContain('out-one');
    expect(activityText(progress.body)).not.toContain('out-two');
    const result = await fake.waitFor(
      (c) => c.verb === 'POST' && activityText(c.body).includes('out-two') && c.activityId === 'e2e-progress',
      15_000,
    );
    const edits = fake.calls.filter((c) => c.verb === 'PUT' && c.activityId === ack.id);
    expect(edits.length).toBeLessThanOrEqual(4);
    for (const e of edits) expect(e.at).toBeLessThanOrEqual(result.at);
  }, 30_000);

  it('tells an unknown user who to ask, in a personal chat', async () => {
    await postActivity(
      `${p.url}/api/messages`,
      personalMessage({ serviceUrl: fake.url, text: 'run echo nope', aadObjectId: 'aad-bob', from: '29:bob' }),
    );
    const reply = await fake.waitFor((c) => activityText(c.body).includes("don't know you"));
    expect(reply.conversationId).toBe('a:personal-alice');
    expect(activityText(reply.body)).toContain('aad-bob');
  });

  it('delivers a result that was pending across a restart once', async () => {
    await postActivity(
      `${p.url}/api/messages`,
      channelMessage({ serviceUrl: fake.url, text: 'run sleep 1 && echo teams-pending', id: 'e2e-restart' }),
    );
    const isAck = (c: ConnectorCall) => activityText(c.body).includes('Running `sleep 1 && echo teams-pending`');
    const isResult = (c: ConnectorCall) =>
      activityText(c.body).includes('core.local succeeded') && activityText(c.body).includes('teams-pending');
    await fake.waitFor((c) => c.status < 300 && isAck(c));
    // The connector goes down before the result is ready: the result waits in Squall's store.
    fake.fail('POST', { status: 503 }, 10_000);
    await fake.waitFor((c) => c.status === 503 && isResult(c), 15_000);
    await p.stop();
    fake.heal();
    p = await startSquallProcess(dir, [], { SQUALL_TEAMS_ANONYMOUS: '1' });
    const result = await fake.waitFor((c) => c.status < 300 && isResult(c), 15_000);
    expect(result.activityId).toBe('e2e-restart');
    // Give a second delivery (redelivered notification, owed-result sweep) the time to happen.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(fake.calls.filter((c) => c.status < 300 && isResult(c))).toHaveLength(1);
    // Posted once; a slow run may also edit it (PUT) with progress, which is not a second ack.
    expect(fake.calls.filter((c) => c.verb === 'POST' && c.status < 300 && isAck(c))).toHaveLength(1);
  }, 60_000);
});
