import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../app/start-server.js';
import { tempDir } from '../../bench/bench-util.js';
import { INQUIRY_APPROVE } from '../../bot/notify/inquiry-message.js';
import { silentLogger } from '../../engine/logger.js';
import { cardSubmit, channelMessage, postActivity } from '../fakes/bot-framework/activities.js';
import { activityText, FakeConnector } from '../fakes/bot-framework/fake-connector.js';

const ASKTEST = fileURLToPath(new URL('../fixtures/workflow-packs/asktest/', import.meta.url));

/** Approvals on Teams (the Bot Framework fake) through `squall start`: an Adaptive Card's buttons answer. */
describe('approvals on Teams', () => {
  const dir = tempDir('squall-inquiry-teams-');
  let fake: FakeConnector;
  let s: RunningServer;

  beforeAll(async () => {
    fake = await FakeConnector.start();
    s = await startServer({
      dataDir: dir.path,
      config: {
        api: { port: 0 },
        log: { level: 'silent' },
        packs: { paths: [ASKTEST] },
        chat: {
          shell: false,
          progress_every: 0,
          users: { teams: { 'aad-alice': 'alice', 'aad-val': 'val' } },
          teams: { anonymous: true, min_interval_ms: 0 },
        },
      },
      logger: silentLogger,
    });
    await s.core.auth.createUser('alice', 'alice-password-1', ['operator']);
    await s.core.auth.createUser('val', 'val-password-1', ['viewer']);
  }, 40_000);
  afterAll(async () => {
    await s?.close();
    await fake.close();
    dir.remove();
  });

  it('posts the question as a card with Approve/Reject; a viewer is refused, an operator approves', async () => {
    const endpoint = `${s.url}/api/messages`;
    await postActivity(
      endpoint,
      channelMessage({ serviceUrl: fake.url, text: 'deploy with approval', id: 'teams-ask-1' }),
    );
    const question = await fake.waitFor(
      (c) => c.verb === 'POST' && JSON.stringify(c.body).includes('Approval needed'),
      15_000,
    );
    const card = JSON.stringify(question.body);
    expect(card).toContain('Action.Submit');
    expect(card).toContain(INQUIRY_APPROVE);
    const id = /inquiry ([0-9a-f]{24})/.exec(card)?.[1] as string;
    await expect
      .poll(async () => (await s.core.store.inquiries.get(id))?.chat?.message, { timeout: 15_000 })
      .toBeDefined();
    const messageId = String((await s.core.store.inquiries.get(id))?.chat?.message?.id);
    const value = { squall_action: INQUIRY_APPROVE, value: id };

    await postActivity(
      endpoint,
      cardSubmit({ serviceUrl: fake.url, aadObjectId: 'aad-val', from: '29:val', replyToId: messageId, value }),
    );
    await fake.waitFor((c) => activityText(c.body).includes('does not have permission'), 15_000);
    expect((await s.core.store.inquiries.get(id))?.status).toBe('pending');

    await postActivity(endpoint, cardSubmit({ serviceUrl: fake.url, replyToId: messageId, value }));
    const edited = await fake.waitFor(
      (c) => c.verb === 'PUT' && c.activityId === messageId && JSON.stringify(c.body).includes('Approved by alice'),
      15_000,
    );
    expect(JSON.stringify(edited.body)).not.toContain('Action.Submit');
    await fake.waitFor((c) => activityText(c.body).includes('asktest.approve succeeded'), 15_000);
  });
});
