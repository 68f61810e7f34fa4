import { startServer } from '../app/start-server.js';
import { silentLogger } from '../engine/logger.js';
import { latencyMetrics, type Metric, tempDir } from './bench-util.js';

const WARMUP = 50;
const SAMPLES = 300;

/**
 * Webhook to execution: `POST /api/v1/webhooks/<url>` (API key, JSON body) on an embedded server
 * until the execution its rule starts is stored (the execution service announces it on
 * `execution.requested` after the write). Covers HTTP, auth, the trigger instance write, the rules
 * engine (criteria, parameter rendering, enforcement) and the execution write, one request at a time.
 */
export async function benchWebhookToExecution(): Promise<Metric[]> {
  const dir = tempDir('squall-webhook-bench-');
  const s = await startServer({
    dataDir: dir.path,
    config: { api: { port: 0 }, chat: { shell: false }, log: { level: 'silent' } },
    logger: silentLogger,
  });
  try {
    const { key } = await s.core.auth.createApiKey('admin');
    const headers = { 'St2-Api-Key': key, 'Content-Type': 'application/json' };
    const rule = {
      name: 'bench_hook',
      pack: 'bench',
      trigger: { type: 'core.st2.webhook', parameters: { url: 'bench' } },
      criteria: { 'trigger.body.status': { type: 'equals', pattern: 'DOWN' } },
      action: { ref: 'core.noop', parameters: {} },
    };
    const created = await fetch(`${s.url}/api/v1/rules`, { method: 'POST', headers, body: JSON.stringify(rule) });
    if (created.status !== 201) throw new Error(`rule not created: ${created.status}`);

    const waiting = new Map<string, () => void>();
    const early = new Set<string>();
    await s.core.bus.subscribe('execution.requested', async ({ id }) => {
      const e = await s.core.store.executions.get(id);
      const instance = (e?.context.trigger_instance as { id?: string } | undefined)?.id;
      if (!instance) return;
      const done = waiting.get(instance);
      if (done) done();
      else early.add(instance);
    });

    const times: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const t0 = performance.now();
      const res = await fetch(`${s.url}/api/v1/webhooks/bench`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ status: 'DOWN', host: `h${i}` }),
      });
      if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
      const { id } = (await res.json()) as { id: string };
      if (!early.delete(id)) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no execution within 10 s')), 10_000);
          waiting.set(id, () => {
            clearTimeout(timer);
            waiting.delete(id);
            resolve();
          });
        });
      }
      if (i >= WARMUP) times.push(performance.now() - t0);
    }
    return latencyMetrics('webhook_to_exec', times);
  } finally {
    await s.close();
    dir.remove();
  }
}
