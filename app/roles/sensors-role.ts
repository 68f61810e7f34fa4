import type { Role } from './role.js';

/**
 * The sensor container: every enabled pack sensor in a child process of its own. One process of a
 * deployment runs it, the one holding the `role:sensors` lease, so no sensor runs twice.
 */
export const sensorsRole: Role = {
  name: 'sensors',
  summary: 'runs pack sensors, each in its own child process (one process at a time, under a lease)',
  singleton: 'lease',
  async start(ctx) {
    const { startSensorContainer } = await import('../../engine/sensors/sensor-container.js');
    const { store, triggers, kv, logger } = ctx.core;
    return startSensorContainer({
      store,
      triggers,
      kv,
      logger,
      // Sensors run as StackStorm's system user does: its st2kv.user is not theirs to read.
      packConfig: (pack) => ctx.core.packConfig(pack),
      python: { dataDir: ctx.core.config.dataDir, interpreter: ctx.core.config.python.interpreter },
    });
  },
};
