import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../app/start-server.js';
import { tempDir } from '../../bench/bench-util.js';
import { customId } from '../../bot/discord/discord-format.js';
import { INQUIRY_APPROVE } from '../../bot/notify/inquiry-message.js';
import { silentLogger } from '../../engine/logger.js';
import type { Inquiry } from '../../engine/model/inquiry.js';
import { BOT, type DiscordCall, FakeDiscord } from '../fakes/discord/fake-discord.js';

const ASKTEST = fileURLToPath(new URL('../fixtures/workflow-packs/asktest/', import.meta.url));

/** Everything a Discord message body shows (content, embeds and components). */
const shows = (c: DiscordCall, text: string) =>
  JSON.stringify([c.body.content ?? '', c.body.embeds ?? [], c.body.components ?? []]).includes(text);

/** Approvals on Discord (its fake) through `squall start`: buttons on the question, a click answers. */
describe('approvals on Discord', () => {
  const dir = tempDir('squall-inquiry-discord-');
  let fake: FakeDiscord;
  let s: RunningServer;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    s = await startServer({
      dataDir: dir.path,
      config: {
        api: { port: 0 },
        log: { level: 'silent' },
        packs: { paths: [ASKTEST] },
        chat: {
          shell: false,
          progress_every: 0,
          users: { discord: { '200': 'alice', '300': 'val' } },
          discord: { token: 'test-token', api_url: fake.apiUrl, retry_base_ms: 50, retry_max_ms: 300 },
        },
      },
      logger: silentLogger,
    });
    await s.core.auth.createUser('alice', 'alice-password-1', ['operator']);
    await s.core.auth.createUser('val', 'val-password-1', ['viewer']);
    await fake.waitForGateway();
  }, 40_000);
  afterAll(async () => {
    await s?.close();
    await fake.close();
    dir.remove();
  });

  it('posts the question with Approve/Reject buttons; a viewer is refused, an operator approves', async () => {
    fake.message(`<@${BOT.id}> deploy with approval`);
    const question = await fake.waitFor((c) => c.status === 200 && shows(c, 'Approval needed'), 15_000);
    expect(JSON.stringify(question.body.components)).toContain('Approve');
    const id = /inquiry ([0-9a-f]{24})/.exec(JSON.stringify(question.body))?.[1] as string;
    await expect
      .poll(async () => (await s.core.store.inquiries.get(id))?.chat?.message, { timeout: 15_000 })
      .toBeDefined();
    const inquiry = (await s.core.store.inquiries.get(id)) as Inquiry;
    const messageId = String(inquiry.chat?.message?.id);

    fake.click(customId(INQUIRY_APPROVE, id), messageId, { id: '300', username: 'val' });
    await fake.waitFor((c) => c.status === 200 && shows(c, 'does not have permission'), 15_000);
    expect((await s.core.store.inquiries.get(id))?.status).toBe('pending');

    fake.click(customId(INQUIRY_APPROVE, id), messageId);
    const edited = await fake.waitFor(
      (c) => c.method === 'PATCH' && c.route.endsWith(`/messages/${messageId}`) && shows(c, 'Approved by alice'),
      15_000,
    );
    expect(JSON.stringify(edited.body.components ?? [])).not.toContain('Approve');
    await fake.waitFor((c) => c.status === 200 && shows(c, 'asktest.approve succeeded'), 15_000);
  });
});
