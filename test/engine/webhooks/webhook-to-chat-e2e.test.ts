import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { signBody } from '../../../engine/webhooks/webhook-signature.js';
import { runCli } from '../../cli/run-cli.js';
import { FakeSlack } from '../../fakes/slack/fake-slack.js';
import { apiClient, type SquallProcess, startSquallProcess } from '../../support/squall-process.js';

const SECRET = 'e2e-hook-secret';

const RULE = {
  name: 'host_down_to_slack',
  pack: 'monitoring',
  description: 'Tell #alerts when a monitored host goes down',
  enabled: true,
  trigger: { type: 'core.st2.webhook', parameters: { url: 'monitoring', secret: SECRET } },
  criteria: { 'trigger.body.status': { type: 'equals', pattern: 'DOWN' } },
  action: {
    ref: 'chatops.post_message',
    parameters: { channel: 'C-alerts', message: 'Host {{ trigger.body.host }} is {{ trigger.body.status }}' },
  },
};

/**
 * The whole event-driven path through the compiled `squall start`: a signed webhook POST matches a
 * pack's rule, which runs chatops.post_message, which lands in the channel at the fake Slack; the
 * CLI lists the webhook and shows the trace from trigger to execution.
 */
describe('webhook → rule → chatops.post_message → Slack, through squall start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'squall-webhook-e2e-'));
  let fake: FakeSlack;
  let p: SquallProcess;

  beforeAll(async () => {
    fake = await FakeSlack.start();
    const pack = join(dir, 'packs', 'monitoring');
    mkdirSync(join(pack, 'rules'), { recursive: true });
    writeFileSync(join(pack, 'pack.yaml'), stringify({ ref: 'monitoring', name: 'monitoring', version: '1.0.0' }));
    writeFileSync(join(pack, 'rules', 'host_down.yaml'), stringify(RULE));
    writeFileSync(
      join(dir, 'squall.yaml'),
      stringify({
        packs: { paths: [join(dir, 'packs')] },
        chat: {
          slack: {
            bot_token: 'xoxb-e2e',
            signing_secret: 'slack-signing-secret',
            api_url: fake.apiUrl,
            mode: 'http',
            bot_user_id: 'UBOT',
            bot_id: 'BBOT',
            min_interval_ms: 0,
          },
        },
      }),
    );
    p = await startSquallProcess(dir);
  }, 40_000);
  afterAll(async () => {
    await p?.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const squall = (args: string[]) =>
    runCli(args, { env: { SQUALL_HOME: dir, SQUALL_API_URL: p.url, SQUALL_API_KEY: p.apiKey } });

  it('posts the alert in the channel, and the trace shows trigger → rule → execution', async () => {
    const body = JSON.stringify({ host: 'db1', status: 'DOWN' });
    const res = await fetch(`${p.url}/api/v1/webhooks/monitoring`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signBody(body, SECRET) },
      body,
    });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { id: string; trace_tag: string };

    const call = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C-alerts', 15_000);
    expect(JSON.stringify(call.args)).toContain('Host db1 is DOWN');

    // A body the rule's criteria do not match posts nothing.
    const up = JSON.stringify({ host: 'db1', status: 'UP' });
    const ok = await fetch(`${p.url}/api/v1/webhooks/monitoring`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signBody(up, SECRET) },
      body: up,
    });
    expect(ok.status).toBe(202);

    const api = apiClient(p);
    const traces = await api<
      { trace_tag: string; rules: { ref: string }[]; action_executions: { object_id: string; ref: string }[] }[]
    >('GET', `/api/v1/traces?trace_tag=${encodeURIComponent(accepted.trace_tag)}`);
    const trace = traces.body[0];
    expect(trace?.rules.map((r) => r.ref)).toEqual(['monitoring.host_down_to_slack']);
    const execution = trace?.action_executions.find((e) => e.ref === 'chatops.post_message');
    expect(execution).toBeDefined();

    const shown = await squall(['trace', 'get', execution?.object_id ?? '']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`trace ${accepted.trace_tag}`);
    expect(shown.stdout).toContain(`trigger core.st2.webhook ${accepted.id}`);
    expect(shown.stdout).toContain('rule monitoring.host_down_to_slack');
    expect(shown.stdout).toMatch(new RegExp(`execution chatops.post_message ${execution?.object_id} succeeded`));

    const hooks = await squall(['webhook', 'list']);
    expect(hooks.code).toBe(0);
    expect(hooks.stdout).toContain('monitoring');
    expect(hooks.stdout).toContain('monitoring.host_down_to_slack');
    expect(hooks.stdout).not.toContain(SECRET);
  }, 40_000);
});
