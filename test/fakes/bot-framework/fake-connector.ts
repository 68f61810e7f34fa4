import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the fake connector received (also refused ones, with the status it answered). */
export interface ConnectorCall {
  verb: 'POST' | 'PUT' | 'DELETE' | 'GET';
  /** Decoded conversation id from `/v3/conversations/{id}/...`. */
  conversationId: string;
  /** The activity id in the path: the one replied to (POST) or edited (PUT). */
  activityId?: string;
  /** The Activity the bot sent (JSON), or {} for GET/DELETE. */
  body: Record<string, unknown>;
  /** The Authorization header, if any. */
  auth: string | undefined;
  status: number;
  /** Id the fake gave a posted activity. */
  id?: string;
  at: number;
}

/** A scripted failure for the next matching requests. */
export type ConnectorFailure = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | { status: 413 };

interface Script {
  verb: ConnectorCall['verb'];
  remaining: number;
  failure: ConnectorFailure;
}

/**
 * A fake Bot Framework connector (what `serviceUrl` points at): records the activities a bot posts
 * (`POST /v3/conversations/{id}/activities[/{replyToId}]`) and edits (`PUT .../activities/{id}`),
 * answers `201 {id}` like the real service, refuses bodies over `maxBytes` with 413
 * MessageSizeTooBig, and can be scripted to answer 429 with Retry-After or 5xx.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  /** Members by user id for `GET /v3/conversations/{id}/members/{userId}` (TeamsInfo.getMember). */
  members: Record<string, Record<string, string>> = {};
  /** Largest accepted activity (UTF-8 bytes of the JSON body); Teams's real limit is about 100 KB. */
  maxBytes = 80_000;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #scripts: Script[] = [];
  readonly #listeners = new Set<() => void>();
  #ids = 0;

  private constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  static async start(): Promise<FakeConnector> {
    const f = new FakeConnector();
    f.#server.listen(0, '127.0.0.1');
    await once(f.#server, 'listening');
    return f;
  }

  /** What Activities carry as `serviceUrl`. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
  }

  /** Makes the next `times` requests with `verb` fail as scripted. */
  fail(verb: ConnectorCall['verb'], failure: ConnectorFailure, times = 1): void {
    this.#scripts.push({ verb, remaining: times, failure });
  }

  /** Forgets the scripted failures: the connector is healthy again. */
  heal(): void {
    this.#scripts.length = 0;
  }

  /** Activities accepted (2xx), in order. */
  get accepted(): ConnectorCall[] {
    return this.calls.filter((c) => c.status >= 200 && c.status < 300 && c.verb !== 'GET');
  }

  /** Resolves with the first call (past or future) that matches; rejects after `timeoutMs`. */
  async waitFor(pred: (c: ConnectorCall) => boolean, timeoutMs = 5000): Promise<ConnectorCall> {
    const found = this.calls.find(pred);
    if (found) return found;
    return new Promise((resolve, reject) => {
      const check = () => {
        const c = this.calls.find(pred);
        if (!c) return;
        cleanup();
        resolve(c);
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.calls.map((c) => `${c.verb} ${c.status} ${activityText(c.body).slice(0, 40)}`).join('; ');
        reject(new Error(`fake connector: no matching call within ${timeoutMs} ms; calls: ${seen}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
    });
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  #record(c: ConnectorCall): void {
    this.calls.push(c);
    for (const l of [...this.#listeners]) l();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const verb = (req.method ?? 'GET') as ConnectorCall['verb'];
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // botbuilder URL-encodes the conversation id; other SDKs do not: decode either way.
    const m = /^\/v3\/conversations\/([^/]+)(?:\/(activities|members)(?:\/([^/]+))?)?$/.exec(path);
    const auth = req.headers.authorization;
    if (!m) {
      json(res, 404, { error: { code: 'NotFound', message: `no route ${verb} ${path}` } });
      return;
    }
    const conversationId = decodeURIComponent(m[1] ?? '');
    const sub = m[2];
    const tail = m[3] === undefined ? undefined : decodeURIComponent(m[3]);
    const body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    const call: ConnectorCall = { verb, conversationId, body, auth, status: 0, at: Date.now() };
    if (tail !== undefined) call.activityId = tail;

    if (sub === 'members' && verb === 'GET') {
      const member = tail === undefined ? undefined : this.members[tail];
      call.status = member ? 200 : 404;
      this.#record(call);
      if (member) json(res, 200, member);
      else json(res, 404, { error: { code: 'MemberNotFoundInConversation', message: 'member not found' } });
      return;
    }
    const script = this.#scripts.find((s) => s.verb === verb && s.remaining > 0);
    if (script) {
      script.remaining -= 1;
      call.status = script.failure.status;
      this.#record(call);
      const headers: Record<string, string> = {};
      if (script.failure.status === 429) headers['retry-after'] = String(script.failure.retryAfter);
      const code =
        script.failure.status === 429
          ? 'TooManyRequests'
          : script.failure.status === 413
            ? 'MessageSizeTooBig'
            : 'ServiceError';
      json(res, script.failure.status, { error: { code, message: code } }, headers);
      return;
    }
    if (raw.length > this.maxBytes) {
      call.status = 413;
      this.#record(call);
      json(res, 413, { error: { code: 'MessageSizeTooBig', message: 'Message size too big' } });
      return;
    }
    if (verb === 'DELETE') {
      call.status = 200;
      this.#record(call);
      res.writeHead(200).end();
      return;
    }
    const id = verb === 'PUT' && tail ? tail : `act-${++this.#ids}`;
    call.status = verb === 'POST' ? 201 : 200;
    call.id = id;
    this.#record(call);
    json(res, call.status, { id });
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

/** The text of an Activity, including an Adaptive Card's text blocks, for assertions. */
export function activityText(a: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof a.text === 'string') parts.push(a.text);
  if (Array.isArray(a.attachments)) parts.push(JSON.stringify(a.attachments));
  return parts.join('\n');
}
