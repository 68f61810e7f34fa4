import type { Role } from './role.js';

/** The chat bot: the configured platforms' adapters, the router, and delivery of results owed. */
export const botRole: Role = {
  name: 'bot',
  summary: 'chat: platform adapters, commands, result delivery',
  queues: ['notify.chat', 'chat.post'],
  async start(ctx) {
    const { createConfiguredPlatforms } = await import('../../bot/platforms.js');
    const { core } = ctx;
    const chat = await ctx.chat();
    const platforms = await createConfiguredPlatforms({
      chat: core.config.chat,
      env: core.config.env,
      store: core.store,
      logger: core.logger,
    });
    for (const p of platforms) if (p.http) ctx.http.mount(p.http.prefix, p.http.handler);
    // Commands may arrive as soon as an adapter starts: the runners must be consuming by then.
    ctx.afterStart(async () => {
      const extra = (await ctx.hooks.adapters?.(chat, core)) ?? [];
      await chat.startBot([...platforms.map((p) => p.adapter), ...extra]);
    });
    return { stop: () => chat.stopBot() };
  },
};
