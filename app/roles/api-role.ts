import type { Role } from './role.js';

/**
 * The REST API (StackStorm's `/api/v1`, `/auth/v1`, the stream) on the process's HTTP server. It
 * registers the packs and bootstraps the first admin before anything else starts.
 */
export const apiRole: Role = {
  name: 'api',
  summary: 'the REST API and the event stream, on the HTTP port',
  async start(ctx) {
    // Loaded on start, like every role's code, so that the CLI can read the role table cheaply.
    const { buildApi } = await import('../../engine/api/build-api.js');
    const { aliasRoutes } = await import('../../engine/api/routes/action-aliases.js');
    const { aliasExecutionRoutes } = await import('../../engine/api/routes/alias-executions.js');
    const { streamRoutes } = await import('../../engine/api/routes/stream.js');
    const { webhookRoutes } = await import('../../engine/api/routes/webhooks.js');
    const { keyRoutes } = await import('../../engine/api/routes/keys.js');
    const { packConfigRoutes } = await import('../../engine/api/routes/pack-configs.js');
    const { gcRoutes } = await import('../../engine/api/routes/gc.js');
    const { GarbageCollector } = await import('../../engine/gc/garbage-collector.js');
    const { inquiryRoutes } = await import('../../engine/api/routes/inquiries.js');
    const { chatopsRoutes } = await import('../../bot/terminal/chatops-routes.js');
    const { core } = ctx;
    const { config, logger } = core;
    const report = await core.registerPacks();
    for (const p of report.problems) logger.warn('pack problem', { file: p.file, field: p.field, problem: p.problem });
    logger.info('packs registered', { packs: report.packs, actions: report.actions, aliases: report.aliases });
    ctx.notes.credentialsPath = (await core.auth.bootstrap(config.dataDir)).credentialsPath;
    const catalog = await ctx.catalog();
    const chat = await ctx.chat();
    const app = buildApi(
      {
        store: core.store,
        bus: core.bus,
        executions: core.executions,
        auth: core.auth,
        runners: core.runners,
        logger,
        registerPacks: async (o) => {
          const r = await core.registerPacks(o);
          await catalog.refresh();
          return r;
        },
      },
      {
        bodyLimit: config.api.bodyLimit,
        ...(config.api.publicUrl ? { publicUrl: config.api.publicUrl } : {}),
        serverFactory: ctx.http.serverFactory,
        metricsPublic: config.metrics.public,
      },
    );
    const aliasDeps = {
      store: core.store,
      executions: core.executions,
      logger,
      catalog,
      present: core.present,
      ...(config.api.publicUrl ? { publicUrl: config.api.publicUrl } : {}),
    };
    await core.hub.start();
    await aliasRoutes(app, aliasDeps);
    await aliasExecutionRoutes(app, aliasDeps);
    await streamRoutes(app, core.hub);
    await webhookRoutes(app, {
      store: core.store,
      bus: core.bus,
      auth: core.auth,
      triggers: core.triggers,
      logger,
      bodyLimit: config.api.bodyLimit,
    });
    keyRoutes(app, { kv: core.kv, auth: core.auth });
    packConfigRoutes(app, {
      read: (pack) => core.packConfigFiles(pack),
      exists: async (pack) => (await core.store.packs.get(pack)) !== undefined,
      logger,
    });
    gcRoutes(app, {
      collector: new GarbageCollector({ store: core.store, logger, retention: config.gc.retention }),
      logger,
    });
    inquiryRoutes(app, { inquiries: core.inquiries, auth: core.auth });
    const expirySweep = core.kv.startExpirySweep();
    await chatopsRoutes(app, chat.router, ctx.core.store, chat.progress);
    const { mountWebUi } = await import('../http/web-ui.js');
    mountWebUi(ctx.http);
    ctx.http.serve(app);
    return { stop: async () => expirySweep.stop() };
  },
};
