import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../engine/store/store.js';
import { channelMessage, postActivity } from '../../fakes/bot-framework/activities.js';
import { FakeConnector } from '../../fakes/bot-framework/fake-connector.js';
import { FakeOpenIdIssuer } from '../../fakes/bot-framework/fake-openid-issuer.js';
import { openStore, tempDir } from '../slack/slack-harness.js';
import { TeamsHarness } from './teams-harness.js';

const APP_ID = '11111111-2222-3333-4444-555555555555';

/** Bot Framework authentication on: the channel's JWT, checked against a local OpenID issuer's keys. */
describe('Teams adapter with authentication on', () => {
  const dir = tempDir();
  let issuer: FakeOpenIdIssuer;
  let fake: FakeConnector;
  let store: Store;
  let h: TeamsHarness;

  beforeAll(async () => {
    issuer = await FakeOpenIdIssuer.start();
    fake = await FakeConnector.start();
    store = await openStore(dir.path);
    h = new TeamsHarness(store);
    // The router answers nothing: outbound calls would need Entra ID, which no test can reach.
    h.answer = () => undefined;
    await h.start(
      { app_id: APP_ID, app_password: 'pw', openid_metadata_url: issuer.metadataUrl, token_issuer: issuer.issuer },
      {},
    );
  });
  afterAll(async () => {
    await h.stop();
    await store.close();
    await fake.close();
    await issuer.close();
    dir.remove();
  });

  it('accepts an Activity with a token signed by the channel', async () => {
    const a = channelMessage({ serviceUrl: fake.url, text: 'status', id: 'auth-1' });
    const res = await postActivity(h.endpoint, a, issuer.token({ aud: APP_ID, serviceurl: fake.url }));
    expect(res.status).toBe(200);
    expect(h.received.map((m) => m.text)).toEqual(['status']);
  });

  it('refuses with 401, and runs nothing, without a token, unsigned, wrongly signed or for another bot', async () => {
    const before = h.received.length;
    const claims = { aud: APP_ID, serviceurl: fake.url };
    const tokens = [
      undefined,
      issuer.unsigned(claims),
      issuer.forge(claims),
      issuer.token({ aud: '99999999-2222-3333-4444-555555555555', serviceurl: fake.url }),
      issuer.token({ aud: APP_ID, serviceurl: 'http://elsewhere.example/' }),
    ];
    for (const t of tokens) {
      const res = await postActivity(h.endpoint, channelMessage({ serviceUrl: fake.url, text: 'run evil' }), t);
      expect({ token: t?.slice(-12), status: res.status, body: res.body }).toEqual({
        token: t?.slice(-12),
        status: 401,
        body: '',
      });
    }
    expect(h.received.length).toBe(before);
  });
});
