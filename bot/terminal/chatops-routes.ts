import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../engine/api/request-auth.js';
import type { Store } from '../../engine/store/store.js';
import type { LiveProgress } from '../notify/live-progress.js';
import type { ChatRouter } from '../router.js';
import { claimShellChannel } from './shell-channel.js';

interface MessageBody {
  channel: string;
  text: string;
  thread?: string;
}

/**
 * `POST /api/v1/chatops/messages`: the door for the remote terminal shell (`squall shell`). The
 * message goes through the same router as Slack's; the sender is the authenticated Squall user, so
 * nobody can speak for someone else. The ack comes back in the response; the result arrives later on
 * the stream as an `st2.announcement__chatops` event for the shell's channel, which belongs to the
 * user who opened it: anyone else's message to it is refused (403). With `progress`, a command that
 * runs long gets progress announcements on the stream too, as the terminal of `squall start` does.
 */
export async function chatopsRoutes(
  app: FastifyInstance,
  router: ChatRouter,
  store: Store,
  progress?: Pick<LiveProgress, 'track'>,
): Promise<void> {
  app.post<{ Body: MessageBody }>(
    '/api/v1/chatops/messages',
    {
      config: { permission: 'alias:read' },
      schema: {
        body: {
          type: 'object',
          required: ['channel', 'text'],
          additionalProperties: false,
          properties: {
            platform: { type: 'string', enum: ['cli'] },
            channel: { type: 'string', minLength: 1, maxLength: 200 },
            text: { type: 'string', maxLength: 100_000 },
            thread: { type: 'string' },
            user: { type: 'string' },
          },
        },
      },
    },
    async (req) => {
      const b = req.body;
      const { user } = principalOf(req);
      await claimShellChannel(store, user, b.channel);
      const reply = await router.handle({
        platform: 'cli',
        channel: b.channel,
        ...(b.thread ? { thread: b.thread } : {}),
        user,
        text: b.text,
        mentioned: false,
        direct: true,
      });
      if (!reply) return {};
      const ids = reply.executionIds ?? [];
      // The ack is "posted" in this response; the ref only says where progress goes (the shell cannot edit).
      const ack = { platform: 'cli' as const, channel: b.channel, ...(b.thread ? { thread: b.thread } : {}) };
      for (const id of ids) progress?.track(id, { ...ack, id: `ack-${id}` }, reply.message);
      return { reply: reply.message, ...(ids.length > 0 ? { execution_ids: ids } : {}) };
    },
  );
}
