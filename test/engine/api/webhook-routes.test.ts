import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../../app/start-server.js';
import { tempDir } from '../../../bench/bench-util.js';
import { silentLogger } from '../../../engine/logger.js';
import type { TriggerInstance } from '../../../engine/model/trigger.js';
import { signBody } from '../../../engine/webhooks/webhook-signature.js';

const SECRET = 'gh-hook-secret';
const LIMIT = 4096;

const rule = (name: string, url: string, extra: Record<string, unknown> = {}) => ({
  name,
  pack: 'hooks',
  trigger: { type: 'core.st2.webhook', parameters: { url, ...extra } },
  action: { ref: 'core.noop', parameters: {} },
});

/** `POST /api/v1/webhooks/<url>` on a real server: stored before 202, authenticated, signed, bounded. */
describe('/api/v1/webhooks', () => {
  const dir = tempDir('squall-webhooks-');
  let s: RunningServer;
  let key: string;
  let viewerKey: string;

  beforeAll(async () => {
    s = await startServer({
      dataDir: dir.path,
      config: { api: { port: 0, body_limit: LIMIT }, log: { level: 'silent' } },
      logger: silentLogger,
    });
    key = (await s.core.auth.createApiKey('admin')).key;
    await s.core.auth.createUser('vera', 'vera-password-1', ['viewer']);
    viewerKey = (await s.core.auth.createApiKey('vera')).key;
    for (const r of [rule('alerts', 'alerts'), rule('github', '/github/', { secret: SECRET })]) {
      const res = await api('POST', '/api/v1/rules', r);
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await s.close();
    dir.remove();
  });

  async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers: {
        'St2-Api-Key': key,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async function post(url: string, body: string, headers: Record<string, string>) {
    const res = await fetch(`${s.url}/api/v1/webhooks/${url}`, { method: 'POST', headers, body });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  const instance = async (id: string): Promise<TriggerInstance | undefined> => s.core.store.triggerInstances.get(id);

  it('stores a JSON delivery as a core.st2.webhook instance before answering 202 with its id', async () => {
    const res = await post('alerts', JSON.stringify({ host: 'db1', status: 'DOWN' }), {
      'St2-Api-Key': key,
      'Content-Type': 'application/json',
      'X-Custom': 'kept',
      Cookie: 'session=secret',
      Authorization: 'Bearer secret',
    });
    expect(res.status).toBe(202);
    expect(res.body.id).toMatch(/^[0-9a-f]{24}$/);
    const stored = await instance(res.body.id);
    expect(stored).toMatchObject({ trigger: 'core.st2.webhook', parameters: { url: 'alerts' } });
    expect(stored?.payload.body).toEqual({ host: 'db1', status: 'DOWN' });
    const headers = stored?.payload.headers as Record<string, string>;
    expect(headers['X-Custom']).toBe('kept');
    const names = Object.keys(headers).map((h) => h.toLowerCase());
    for (const hidden of ['st2-api-key', 'cookie', 'authorization']) expect(names).not.toContain(hidden);
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(stored?.trace_tag).toMatch(/^webhook-alerts-/);
  });

  it('takes form bodies, and the trace tag from St2-Trace-Tag', async () => {
    const res = await post('alerts', 'host=web2&tag=a&tag=b', {
      'St2-Api-Key': key,
      'Content-Type': 'application/x-www-form-urlencoded',
      'St2-Trace-Tag': 'deploy-42',
    });
    expect(res.status).toBe(202);
    const stored = await instance(res.body.id);
    expect(stored?.payload.body).toEqual({ host: 'web2', tag: ['a', 'b'] });
    expect(stored?.trace_tag).toBe('deploy-42');
  });

  it('refuses a request without credentials (401), a viewer (403), an unknown URL (404) and a bad body (400)', async () => {
    const webhookInstances = async () =>
      (await s.core.store.triggerInstances.list({ trigger: 'core.st2.webhook', limit: 0 })).total;
    const before = await webhookInstances();
    const none = await post('alerts', '{}', { 'Content-Type': 'application/json' });
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('SQ_UNAUTHORIZED');
    expect((await post('alerts', '{}', { 'St2-Api-Key': viewerKey, 'Content-Type': 'application/json' })).status).toBe(
      403,
    );
    const unknown = await post('nope', '{}', { 'St2-Api-Key': key, 'Content-Type': 'application/json' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ faultstring: 'Webhook nope not registered with st2', code: 'SQ_NOT_FOUND' });
    const bad = await post('alerts', '{"host":', { 'St2-Api-Key': key, 'Content-Type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body.faultstring).toMatch(/^Invalid JSON body/);
    expect(await webhookInstances()).toBe(before);
  });

  it('refuses a body over the limit with 413 and a faultstring', async () => {
    const res = await post('alerts', JSON.stringify({ pad: 'x'.repeat(LIMIT) }), {
      'St2-Api-Key': key,
      'Content-Type': 'application/json',
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('SQ_PAYLOAD_TOO_LARGE');
    expect(res.body.faultstring).toBeTruthy();
  });

  it("lets in a request signed with the rule's secret, once; a bad or missing signature is 401", async () => {
    const body = JSON.stringify({ action: 'opened', number: 7 });
    const json = { 'Content-Type': 'application/json' };
    const good = await post('github', body, { ...json, 'X-Hub-Signature-256': signBody(body, SECRET) });
    expect(good.status).toBe(202);
    const stored = await instance(good.body.id);
    expect(stored?.payload.body).toEqual({ action: 'opened', number: 7 });
    expect(JSON.stringify(stored)).not.toContain(signBody(body, SECRET));
    expect(stored?.parameters).toEqual({ url: '/github/' });

    const replay = await post('github', body, { ...json, 'X-Hub-Signature-256': signBody(body, SECRET) });
    expect(replay.status).toBe(409);
    expect(replay.body.code).toBe('SQ_WEBHOOK_REPLAYED');

    const bad = await post('github', body, { ...json, 'X-Hub-Signature-256': signBody(body, 'wrong-secret') });
    expect(bad.status).toBe(401);
    const tampered = await post('github', body.replace('7', '8'), {
      ...json,
      'X-Hub-Signature-256': signBody(body, SECRET),
    });
    expect(tampered.status).toBe(401);
    expect((await post('github', body, json)).status).toBe(401);
    // A signature does not open URLs whose rules give no secret.
    expect((await post('alerts', body, { ...json, 'X-Hub-Signature-256': signBody(body, SECRET) })).status).toBe(401);
  });

  it('takes each signed delivery id once, so a sender may repeat a body under a new delivery', async () => {
    const body = JSON.stringify({ zen: 'same body' });
    const headers = (delivery: string) => ({
      'Content-Type': 'application/json',
      'X-Hub-Signature-256': signBody(body, SECRET),
      'X-GitHub-Delivery': delivery,
    });
    expect((await post('github', body, headers('d-1'))).status).toBe(202);
    expect((await post('github', body, headers('d-2'))).status).toBe(202);
    const again = await post('github', body, headers('d-1'));
    expect(again.status).toBe(409);
    expect(again.body.faultstring).toContain('d-1');
  });

  it('dispatches any trigger through the st2 hook, checking its body and payload', async () => {
    const ok = await api('POST', '/api/v1/webhooks/st2', {
      trigger: 'core.st2.key_value_pair.create',
      payload: { object: { name: 'x' } },
    });
    expect(ok.status).toBe(202);
    expect(await instance(ok.body.id)).toMatchObject({
      trigger: 'core.st2.key_value_pair.create',
      payload: { object: { name: 'x' } },
    });
    const array = await api('POST', '/api/v1/webhooks/st2', [1]);
    expect(array).toMatchObject({
      status: 400,
      body: { faultstring: 'Webhook body needs to be an object, got: array' },
    });
    const none = await api('POST', '/api/v1/webhooks/st2', { payload: {} });
    expect(none).toMatchObject({ status: 400, body: { faultstring: 'Trigger not specified.' } });
    const unknown = await api('POST', '/api/v1/webhooks/st2', { trigger: 'nope.nothing', payload: {} });
    expect(unknown.status).toBe(400);
  });

  it('lists the webhooks without their secrets, and the rules API masks the secret', async () => {
    const list = await api('GET', '/api/v1/webhooks', undefined, { 'St2-Api-Key': viewerKey });
    expect(list.status).toBe(200);
    expect(list.body.map((h: { url: string }) => h.url)).toEqual(['st2', 'alerts', 'github']);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
    const triggers = await api('GET', '/api/v1/triggers');
    expect(triggers.status).toBe(200);
    expect(JSON.stringify(triggers.body)).toContain('/github/');
    expect(JSON.stringify(triggers.body)).not.toContain(SECRET);

    const got = await api('GET', '/api/v1/rules/hooks.github');
    expect(got.body.trigger.parameters).toEqual({ url: '/github/', secret: '********' });
    // A client that PUTs back what it read keeps the secret.
    const put = await api('PUT', '/api/v1/rules/hooks.github', { ...got.body, description: 'edited' });
    expect(put.status).toBe(200);
    expect((await s.core.store.rules.get('hooks.github'))?.trigger.parameters.secret).toBe(SECRET);
    const body = '{}';
    expect(
      (
        await post('github', body, {
          'Content-Type': 'application/json',
          'X-Hub-Signature-256': signBody(body, SECRET),
        })
      ).status,
    ).toBe(202);
  });
});
