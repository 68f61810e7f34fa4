import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The claims a Bot Framework channel token carries (see botframework-connector's ChannelValidation). */
export interface ChannelTokenClaims {
  /** The bot's app id. */
  aud: string;
  /** Must equal the Activity's serviceUrl. */
  serviceurl: string;
  [claim: string]: unknown;
}

function b64url(v: Buffer | string): string {
  return Buffer.from(v).toString('base64url');
}

/**
 * A local OpenID issuer standing in for the Bot Framework's token service: it serves
 * `/.well-known/openid-configuration` and a JWKS, and signs RS256 JWTs the way the channel does, so
 * tests can run Bot Framework authentication on. `forge()` signs with a key the JWKS does not list.
 */
export class FakeOpenIdIssuer {
  readonly issuer = 'https://api.botframework.com';
  readonly kid = 'fake-key-1';
  readonly #key: KeyObject;
  readonly #other: KeyObject;
  readonly #server: Server;

  private constructor() {
    this.#key = createPrivateKey(
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    this.#other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    this.#server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            issuer: this.issuer,
            jwks_uri: `${this.url}/keys`,
            id_token_signing_alg_values_supported: ['RS256'],
            token_endpoint_auth_methods_supported: ['private_key_jwt'],
          }),
        );
        return;
      }
      if (path === '/keys') {
        const jwk = createPublicKey(this.#key).export({ format: 'jwk' });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({ keys: [{ ...jwk, kid: this.kid, use: 'sig', alg: 'RS256', endorsements: ['msteams'] }] }),
          );
        return;
      }
      res.writeHead(404).end();
    });
  }

  static async start(): Promise<FakeOpenIdIssuer> {
    const f = new FakeOpenIdIssuer();
    f.#server.listen(0, '127.0.0.1');
    await once(f.#server, 'listening');
    return f;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** What to configure as the OpenID metadata URL. */
  get metadataUrl(): string {
    return `${this.url}/.well-known/openid-configuration`;
  }

  /** A valid channel token for `claims`, as the `Authorization: Bearer …` value. */
  token(claims: ChannelTokenClaims): string {
    return this.#sign(claims, this.#key);
  }

  /** A token signed by a key the issuer does not publish. */
  forge(claims: ChannelTokenClaims): string {
    return this.#sign(claims, this.#other);
  }

  /** A token with `alg: none` and no signature. */
  unsigned(claims: ChannelTokenClaims): string {
    const header = b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    return `${header}.${b64url(JSON.stringify(this.#claims(claims)))}.`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  #claims(claims: ChannelTokenClaims): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return { iss: this.issuer, nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims };
  }

  #sign(claims: ChannelTokenClaims, key: KeyObject): string {
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: this.kid }));
    const body = b64url(JSON.stringify(this.#claims(claims)));
    const sig = sign('RSA-SHA256', Buffer.from(`${header}.${body}`), key);
    return `${header}.${body}.${b64url(sig)}`;
  }
}
