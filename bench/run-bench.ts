import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Metric, print } from './bench-util.js';
import { benchChatAck } from './chat-ack-bench.js';
import { benchEngine } from './engine-bench.js';
import { benchIdleRss } from './idle-rss-bench.js';

/**
 * `npm run bench`: one JSON object per metric on stdout ({"metric", "value", "unit"}). Progress and
 * skipped benchmarks go to stderr. The RabbitMQ figures need a broker (SQUALL_TEST_AMQP_URL, else the
 * local default is tried). `npm run bench -- cluster,engine` runs only the suites named.
 *
 * With more than one suite, each runs in a process of its own (same Node flags): the heap an engine
 * suite leaves behind (tens of thousands of executions, a grown old generation, concurrent marking)
 * slowed the suites after it by a fifth or more, so their figures measured the order of the suites.
 */
async function main(): Promise<void> {
  const amqpUrl =
    process.env.SQUALL_TEST_AMQP_URL ?? process.env.SQUALL_BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const seen = new Map<string, number>();
  const suites: [string, () => Promise<Metric[]>][] = [
    ['engine', () => benchEngine({ amqpUrl })],
    [
      'cluster',
      async () =>
        (await import('./cluster-bench.js')).benchCluster({
          amqpUrl,
          ...(seen.has('exec_noop_per_s') ? { embeddedPerS: seen.get('exec_noop_per_s') } : {}),
        }),
    ],
    ['recovery', async () => (await import('./recovery-bench.js')).benchRecovery()],
    ['idle rss', benchIdleRss],
    ['chat ack', benchChatAck],
    ['alias match', async () => (await import('./alias-bench.js')).benchAliasMatch()],
    ['slack ack', async () => (await import('./slack-bench.js')).benchSlackAck()],
    ['teams ack', async () => (await import('./teams-bench.js')).benchTeamsAck()],
    ['discord ack', async () => (await import('./discord-bench.js')).benchDiscordAck()],
    ['rules evaluation', async () => (await import('./rules-bench.js')).benchRulesEval()],
    ['rules trigger', async () => (await import('./rules-stored-bench.js')).benchRulesTrigger()],
    ['webhook to execution', async () => (await import('./webhook-bench.js')).benchWebhookToExecution()],
    ['workflow transition', async () => (await import('./workflow-bench.js')).benchWorkflowTransition()],
    ['workflow with-items', async () => (await import('./workflow-bench.js')).benchWorkflowItems()],
    ['python action', async () => (await import('./python-bench.js')).benchPythonAction()],
    ['web history', async () => (await import('./web-bench.js')).benchWeb()],
  ];
  const only = process.argv[2]?.split(',').filter(Boolean);
  const chosen = suites.filter(([name]) => !only || only.includes(name));
  for (const [k, v] of Object.entries(JSON.parse(process.env.SQUALL_BENCH_SEEN ?? '{}') as Record<string, number>)) {
    seen.set(k, v);
  }
  let failures = 0;
  for (const [name, run] of chosen) {
    process.stderr.write(`bench: ${name}...\n`);
    try {
      const metrics = chosen.length > 1 ? await inChild(name, seen) : await run();
      for (const m of metrics) {
        seen.set(m.metric, m.value);
        print(m);
      }
    } catch (e) {
      failures++;
      process.stderr.write(`bench: ${name} failed: ${(e as Error).message}\n`);
    }
  }
  process.exitCode = failures > 0 ? 1 : 0;
}

/** Runs one suite in a fresh Node process with this one's flags; its metrics, as it printed them. */
async function inChild(suite: string, seen: Map<string, number>): Promise<Metric[]> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), suite], {
    env: { ...process.env, SQUALL_BENCH_SEEN: JSON.stringify(Object.fromEntries(seen)) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const metrics: Metric[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.trim() !== '') metrics.push(JSON.parse(line) as Metric);
  }
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) {
    // What it measured before failing still counts.
    for (const m of metrics) print(m);
    throw new Error(`its process exited with ${code}`);
  }
  return metrics;
}

await main();
