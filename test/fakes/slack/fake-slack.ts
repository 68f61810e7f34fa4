import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** One request the fake received (also the failed ones, with the status it answered). */
export interface FakeSlackCall {
  method: string;
  /** Form fields; `blocks`, `files` and `attachments` are JSON-parsed. */
  args: Record<string, unknown>;
  /** Bearer token the call carried. */
  token: string | undefined;
  status: number;
  /** `Date.now()` when the request arrived. */
  at: number;
}

/** A scripted failure for the next matching calls. */
export type FakeFailure =
  | { status: 429; retryAfter: number }
  | { status: 500 | 502 | 503 }
  /** Slack answers 200 with `{ ok: false, error }`. */
  | { error: string }
  /** The connection is cut before any answer. */
  | { close: true };

interface Script {
  method: string;
  remaining: number;
  failure: FakeFailure;
  when?: (args: Record<string, unknown>) => boolean;
}

/** A Socket Mode envelope the fake sent and the ack it got back. */
interface PendingAck {
  resolve: (payload: unknown) => void;
}

const JSON_FIELDS = new Set(['blocks', 'files', 'attachments']);

/**
 * A small fake of Slack over loopback: the Web API methods the adapter uses (POST /api/<method>,
 * form-encoded as the WebClient sends them), the file upload URL, and a Socket Mode WebSocket.
 * It records every call and can be scripted to fail (429 with Retry-After, 5xx, ok:false, a cut
 * connection) or to be down altogether.
 */
export class FakeSlack {
  readonly calls: FakeSlackCall[] = [];
  /** Uploaded file bodies by file id. */
  readonly uploads = new Map<string, string>();
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<Socket>();
  readonly #scripts: Script[] = [];
  readonly #listeners = new Set<() => void>();
  readonly #acks = new Map<string, PendingAck>();
  #down = false;
  #tsCounter = 100;
  #fileCounter = 0;
  #envelopeCounter = 0;
  #ws: WebSocket | undefined;
  /** The bot's identity as auth.test reports it. */
  identity = { user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'squall', team: 'Fake' };
  /** users.info answers by user id. */
  users: Record<string, { name: string; email?: string }> = {};

  private constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
      if (this.#down) s.destroy();
    });
    this.#wss = new WebSocketServer({ noServer: true });
    this.#server.on('upgrade', (req, socket, head) => {
      if (this.#down) {
        socket.destroy();
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onSocket(ws));
    });
  }

  static async start(): Promise<FakeSlack> {
    const f = new FakeSlack();
    f.#server.listen(0, '127.0.0.1');
    await once(f.#server, 'listening');
    return f;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** What to configure as `api_url`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Makes the next `times` calls of `method` (matching `when`) fail as scripted. */
  fail(method: string, failure: FakeFailure, times = 1, when?: (args: Record<string, unknown>) => boolean): void {
    const s: Script = { method, remaining: times, failure };
    if (when) s.when = when;
    this.#scripts.push(s);
  }

  /** Cuts every connection and refuses new ones until `up()`. */
  down(): void {
    this.#down = true;
    for (const s of this.#sockets) s.destroy();
    this.#ws?.terminate();
  }

  up(): void {
    this.#down = false;
  }

  /** Successful calls of one method, in order. */
  ok(method: string): FakeSlackCall[] {
    return this.calls.filter((c) => c.method === method && c.status === 200);
  }

  /** Resolves with the first call (past or future) that matches; rejects after `timeoutMs`. */
  async waitFor(pred: (c: FakeSlackCall) => boolean, timeoutMs = 5000): Promise<FakeSlackCall> {
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
        reject(
          new Error(
            `fake Slack: no matching call within ${timeoutMs} ms; calls: ${this.calls.map((c) => `${c.method}/${c.status}`).join(', ')}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
    });
  }

  /** Waits until `n` successful calls of `method` arrived; returns them. */
  async waitForCount(method: string, n: number, timeoutMs = 5000): Promise<FakeSlackCall[]> {
    await this.waitFor(() => this.ok(method).length >= n, timeoutMs).catch(() => {});
    const got = this.ok(method);
    if (got.length < n) throw new Error(`fake Slack: ${got.length} of ${n} ${method} calls arrived`);
    return got;
  }

  // ---------------------------------------------------------------- Socket Mode

  /** True while a Socket Mode client is connected. */
  get socketConnected(): boolean {
    return this.#ws !== undefined;
  }

  /** Waits for a Socket Mode client to connect (and be sent `hello`). */
  async waitForSocket(timeoutMs = 5000): Promise<void> {
    const start = Date.now();
    while (!this.#ws) {
      if (Date.now() - start > timeoutMs) throw new Error('fake Slack: no Socket Mode connection');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Sends an envelope over Socket Mode; resolves with the payload of the client's ack. */
  async sendEnvelope(
    type: 'events_api' | 'slash_commands' | 'interactive',
    payload: unknown,
    timeoutMs = 5000,
  ): Promise<unknown> {
    const ws = this.#ws;
    if (!ws) throw new Error('fake Slack: no Socket Mode client connected');
    const envelopeId = `env-${++this.#envelopeCounter}`;
    const acked = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake Slack: envelope ${envelopeId} not acked`)), timeoutMs);
      this.#acks.set(envelopeId, {
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
    ws.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        retry_attempt: 0,
        retry_reason: '',
      }),
    );
    return acked;
  }

  /** Asks the client to reconnect, as Slack does when it recycles a connection. */
  sendDisconnect(): void {
    this.#ws?.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested' }));
  }

  async close(): Promise<void> {
    for (const c of this.#wss.clients) c.terminate();
    this.#wss.close();
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  #onSocket(ws: WebSocket): void {
    this.#ws = ws;
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
      if (msg.envelope_id) {
        this.#acks.get(msg.envelope_id)?.resolve(msg.payload);
        this.#acks.delete(msg.envelope_id);
      }
    });
    ws.on('close', () => {
      if (this.#ws === ws) this.#ws = undefined;
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A1' } }));
  }

  // ---------------------------------------------------------------- Web API

  #record(call: FakeSlackCall): void {
    this.calls.push(call);
    for (const l of [...this.#listeners]) l();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (path.startsWith('/upload/')) {
      const id = path.slice('/upload/'.length);
      this.uploads.set(id, multipartBody(raw, String(req.headers['content-type'] ?? '')));
      this.#record({ method: 'upload', args: { file_id: id, bytes: raw.length }, token, status: 200, at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      return;
    }
    const method = path.startsWith('/api/') ? path.slice('/api/'.length) : path;
    const args = parseArgs(raw.toString('utf8'), String(req.headers['content-type'] ?? ''));
    const script = this.#scripts.find((s) => s.method === method && s.remaining > 0 && (!s.when || s.when(args)));
    if (script) {
      script.remaining -= 1;
      const f = script.failure;
      if ('close' in f) {
        this.#record({ method, args, token, status: 0, at: Date.now() });
        req.socket.destroy();
        return;
      }
      if ('error' in f) {
        this.#record({ method, args, token, status: 200, at: Date.now() });
        this.#json(res, 200, { ok: false, error: f.error });
        return;
      }
      this.#record({ method, args, token, status: f.status, at: Date.now() });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (f.status === 429) headers['retry-after'] = String(f.retryAfter);
      res
        .writeHead(f.status, headers)
        .end(JSON.stringify({ ok: false, error: f.status === 429 ? 'ratelimited' : 'fatal_error' }));
      return;
    }
    this.#record({ method, args, token, status: 200, at: Date.now() });
    this.#json(res, 200, this.#answer(method, args));
  }

  #json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  #answer(method: string, a: Record<string, unknown>): Record<string, unknown> {
    const ts = () => `1700000000.${String(++this.#tsCounter).padStart(6, '0')}`;
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', ...this.identity };
      case 'apps.connections.open':
        return { ok: true, url: `${this.url.replace('http', 'ws')}/link/?ticket=t${Date.now()}` };
      case 'chat.postMessage': {
        const t = ts();
        const message: Record<string, unknown> = { type: 'message', text: a.text, user: 'UBOT', bot_id: 'BBOT', ts: t };
        if (a.thread_ts) message.thread_ts = a.thread_ts;
        return { ok: true, channel: a.channel, ts: t, message };
      }
      case 'chat.update':
        return { ok: true, channel: a.channel, ts: a.ts, text: a.text, message: { text: a.text } };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: ts() };
      case 'reactions.add':
        return { ok: true };
      case 'users.info': {
        const u = this.users[String(a.user)];
        if (!u) return { ok: false, error: 'user_not_found' };
        const profile: Record<string, unknown> = { display_name: u.name };
        if (u.email) profile.email = u.email;
        return { ok: true, user: { id: a.user, name: u.name, profile } };
      }
      case 'files.getUploadURLExternal': {
        const id = `F${++this.#fileCounter}`;
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = (a.files as { id: string; title?: string }[] | undefined) ?? [];
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function parseArgs(body: string, contentType: string): Record<string, unknown> {
  if (contentType.startsWith('application/json')) return body ? (JSON.parse(body) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    out[k] = JSON_FIELDS.has(k) ? JSON.parse(v) : v;
  }
  return out;
}

// Enough multipart parsing for the one file part the WebClient sends.
function multipartBody(raw: Buffer, contentType: string): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) return raw.toString('utf8');
  const text = raw.toString('utf8');
  const parts = text.split(`--${b}`).filter((p) => p.includes('\r\n\r\n'));
  const part = parts[0] ?? '';
  const start = part.indexOf('\r\n\r\n') + 4;
  return part.slice(start, part.lastIndexOf('\r\n'));
}
