import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** One REST request the fake received. */
export interface DiscordCall {
  method: string;
  /** Path below `/api/v10`, e.g. `/channels/10/messages`. */
  route: string;
  /** JSON body, or the `payload_json` part of a multipart upload. */
  body: Record<string, unknown>;
  /** Names and contents of attached files (multipart uploads). */
  files: { name: string; content: string }[];
  auth: string | undefined;
  status: number;
  at: number;
}

export const BOT = { id: '100', username: 'squall', discriminator: '0', bot: true, global_name: 'Squall' };
export const GUILD = '1';
export const CHANNEL = '10';
export const DM_CHANNEL = '20';
export const APP_ID = '900';

/** A user the fake sends messages as. */
export interface FakeUser {
  id: string;
  username: string;
}

export const ALICE: FakeUser = { id: '200', username: 'alice' };

// Discord's ids (snowflakes) never repeat; neither do the fake's, across fakes in one test process,
// so that a store reused by several fakes does not see a new message as one it already handled.
let nextId = 5000;

/**
 * A fake Discord over loopback: the REST API discord.js uses (`GET /gateway/bot`, channel messages
 * POST/PATCH, interaction callbacks, webhook follow-ups, application commands PUT) and a gateway
 * WebSocket (HELLO, heartbeat ACK, IDENTIFY → READY + GUILD_CREATE, RESUME → RESUMED), from which
 * tests dispatch MESSAGE_CREATE and INTERACTION_CREATE. REST routes can be scripted to answer 429
 * or to be down (503).
 */
export class FakeDiscord {
  readonly calls: DiscordCall[] = [];
  /** IDENTIFY and RESUME payloads the gateway got. */
  readonly identifies: Record<string, unknown>[] = [];
  readonly resumes: Record<string, unknown>[] = [];
  /** Blank `content` of guild messages that do not mention the bot, as Discord does without the MessageContent intent. */
  blankContent = false;
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<Socket>();
  readonly #listeners = new Set<() => void>();
  readonly #limits: { match: RegExp; remaining: number; retryAfter: number }[] = [];
  #outage: RegExp | undefined;
  #ws: WebSocket | undefined;
  #seq = 0;
  #session = 0;

  private constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    this.#wss = new WebSocketServer({ noServer: true });
    this.#server.on('upgrade', (req, socket, head) => {
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onSocket(ws));
    });
  }

  static async start(): Promise<FakeDiscord> {
    const f = new FakeDiscord();
    f.#server.listen(0, '127.0.0.1');
    await once(f.#server, 'listening');
    return f;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** What to configure as the API URL (discord.js adds `/v10`). */
  get apiUrl(): string {
    return `${this.url}/api`;
  }

  /** Makes the next `times` requests whose `METHOD route` matches answer 429 with `retry_after`. */
  rateLimit(match: RegExp, retryAfter: number, times = 1): void {
    this.#limits.push({ match, remaining: times, retryAfter });
  }

  /** Makes every request whose `METHOD route` matches answer 503 (an outage) until `up()`. */
  down(match: RegExp): void {
    this.#outage = match;
  }

  /** Ends the outage `down` began. */
  up(): void {
    this.#outage = undefined;
  }

  get connected(): boolean {
    return this.#ws !== undefined;
  }

  /** Sends a gateway dispatch (op 0) with the next sequence number. */
  dispatch(t: string, d: unknown): void {
    const ws = this.#ws;
    if (!ws) throw new Error('fake Discord: no gateway client connected');
    ws.send(JSON.stringify({ op: 0, s: ++this.#seq, t, d }));
  }

  /** A user's message in the guild channel (or a DM with `dm: true`); returns its id. */
  message(text: string, o: { user?: FakeUser; dm?: boolean; mention?: boolean } = {}): string {
    const user = o.user ?? ALICE;
    const id = String(++nextId);
    const mention = o.mention ?? text.includes(`<@${BOT.id}>`);
    const d: Record<string, unknown> = {
      id,
      channel_id: o.dm ? DM_CHANNEL : CHANNEL,
      author: { id: user.id, username: user.username, discriminator: '0', global_name: user.username },
      content: this.blankContent && !o.dm && !mention ? '' : text,
      mentions: mention ? [BOT] : [],
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
      // Discord says which kind of channel it is; discord.js builds the (uncached) DM channel from it.
      channel_type: o.dm ? 1 : 0,
    };
    if (!o.dm) {
      d.guild_id = GUILD;
      d.member = { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 };
    }
    this.dispatch('MESSAGE_CREATE', d);
    return id;
  }

  /** The slash command `/squall command:<text>`; returns the interaction's id and token. */
  slash(text: string, user: FakeUser = ALICE): { id: string; token: string } {
    const id = String(++nextId);
    const token = `itoken-${id}`;
    this.dispatch('INTERACTION_CREATE', {
      ...this.#interactionBase(id, token, user),
      type: 2,
      data: { id: '777', name: 'squall', type: 1, options: [{ name: 'command', type: 3, value: text }] },
    });
    return { id, token };
  }

  /** A click on a message button with `custom_id`. */
  click(customId: string, messageId: string, user: FakeUser = ALICE): { id: string; token: string } {
    const id = String(++nextId);
    const token = `itoken-${id}`;
    this.dispatch('INTERACTION_CREATE', {
      ...this.#interactionBase(id, token, user),
      type: 3,
      message: this.#messageObject(messageId, { content: '' }, CHANNEL),
      data: { custom_id: customId, component_type: 2 },
    });
    return { id, token };
  }

  /** Closes the gateway connection the way a network blip does (the client resumes). */
  dropGateway(code = 4000): void {
    this.#ws?.close(code, 'fake drop');
  }

  /** Resolves with the first call (past or future) that matches; rejects after `timeoutMs`. */
  async waitFor(pred: (c: DiscordCall) => boolean, timeoutMs = 5000): Promise<DiscordCall> {
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
        const seen = this.calls.map((c) => `${c.method} ${c.route} ${c.status}`).join('; ');
        reject(new Error(`fake Discord: no matching call within ${timeoutMs} ms; calls: ${seen}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
    });
  }

  /** Waits until a gateway client is connected and identified (or resumed). */
  async waitForGateway(timeoutMs = 5000): Promise<void> {
    const start = Date.now();
    while (!this.#ws) {
      if (Date.now() - start > timeoutMs) throw new Error('fake Discord: no gateway connection');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const c of this.#wss.clients) c.terminate();
    this.#wss.close();
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  #interactionBase(id: string, token: string, user: FakeUser): Record<string, unknown> {
    return {
      id,
      application_id: APP_ID,
      token,
      version: 1,
      guild_id: GUILD,
      channel_id: CHANNEL,
      channel: { id: CHANNEL, type: 0, guild_id: GUILD, name: 'ops' },
      member: {
        user: { id: user.id, username: user.username, discriminator: '0' },
        roles: [],
        joined_at: new Date().toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
        permissions: '2147483647',
      },
      app_permissions: '2147483647',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { 0: GUILD },
      context: 0,
    };
  }

  #messageObject(id: string, body: Record<string, unknown>, channel: string): Record<string, unknown> {
    return {
      id,
      channel_id: channel,
      author: BOT,
      content: body.content ?? '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      pinned: false,
      type: body.message_reference ? 19 : 0,
      ...(body.message_reference ? { message_reference: body.message_reference } : {}),
    };
  }

  #onSocket(ws: WebSocket): void {
    this.#ws = ws;
    ws.on('message', (data) => {
      const p = JSON.parse(String(data)) as { op: number; d: Record<string, unknown> };
      if (p.op === 1) ws.send(JSON.stringify({ op: 11 }));
      else if (p.op === 2) {
        this.identifies.push(p.d);
        this.#seq = 0;
        const session = `session-${++this.#session}`;
        ws.send(
          JSON.stringify({
            op: 0,
            s: ++this.#seq,
            t: 'READY',
            d: {
              v: 10,
              user: BOT,
              guilds: [{ id: GUILD, unavailable: true }],
              session_id: session,
              resume_gateway_url: this.url.replace('http', 'ws'),
              shard: [0, 1],
              application: { id: APP_ID, flags: 0 },
            },
          }),
        );
        this.dispatch('GUILD_CREATE', {
          id: GUILD,
          name: 'Ops',
          owner_id: '1',
          roles: [
            {
              id: GUILD,
              name: '@everyone',
              permissions: '0',
              position: 0,
              color: 0,
              hoist: false,
              managed: false,
              mentionable: false,
            },
          ],
          channels: [{ id: CHANNEL, type: 0, name: 'ops', position: 0, guild_id: GUILD, permission_overwrites: [] }],
          threads: [],
          members: [],
          emojis: [],
          stickers: [],
          features: [],
          member_count: 2,
          large: false,
          unavailable: false,
          joined_at: new Date().toISOString(),
          voice_states: [],
          presences: [],
          stage_instances: [],
          guild_scheduled_events: [],
        });
      } else if (p.op === 6) {
        this.resumes.push(p.d);
        ws.send(JSON.stringify({ op: 0, s: ++this.#seq, t: 'RESUMED', d: {} }));
      }
    });
    ws.on('close', () => {
      if (this.#ws === ws) this.#ws = undefined;
    });
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 1000 } }));
  }

  #record(c: DiscordCall): void {
    this.calls.push(c);
    for (const l of [...this.#listeners]) l();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    const route = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ''));
    const method = req.method ?? 'GET';
    const { body, files } = parseBody(raw, String(req.headers['content-type'] ?? ''));
    const call: DiscordCall = {
      method,
      route,
      body,
      files,
      auth: req.headers.authorization,
      status: 200,
      at: Date.now(),
    };
    const limit = this.#limits.find((l) => l.remaining > 0 && l.match.test(`${method} ${route}`));
    if (limit) {
      limit.remaining -= 1;
      call.status = 429;
      this.#record(call);
      json(
        res,
        429,
        { message: 'You are being rate limited.', retry_after: limit.retryAfter, global: false, code: 0 },
        {
          'retry-after': String(Math.ceil(limit.retryAfter)),
          'x-ratelimit-scope': 'user',
        },
      );
      return;
    }
    if (this.#outage?.test(`${method} ${route}`)) {
      call.status = 503;
      this.#record(call);
      json(res, 503, { message: 'Service Unavailable', code: 0 });
      return;
    }
    const at = (re: RegExp, verb: string): RegExpExecArray | null => (method === verb ? re.exec(route) : null);
    const post = at(/^\/channels\/([^/]+)\/messages$/, 'POST');
    const patch = at(/^\/channels\/([^/]+)\/messages\/([^/]+)$/, 'PATCH');
    const hook = /^\/webhooks\/[^/]+\/[^/]+(?:\/messages\/(.+))?$/.exec(route);
    const channel = at(/^\/channels\/([^/]+)$/, 'GET');
    if (method === 'GET' && route === '/gateway/bot') {
      this.#record(call);
      json(res, 200, {
        url: this.url.replace('http', 'ws'),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    } else if (method === 'PUT' && /^\/applications\/[^/]+\/commands$/.test(route)) {
      this.#record(call);
      const list = Array.isArray(body) ? body : [];
      json(
        res,
        200,
        list.map((c: Record<string, unknown>, i: number) => ({
          id: String(700 + i),
          application_id: APP_ID,
          version: '1',
          ...c,
        })),
      );
    } else if (post) {
      this.#record(call);
      json(res, 200, this.#messageObject(String(++nextId), body, post[1] ?? ''));
    } else if (patch) {
      this.#record(call);
      json(res, 200, this.#messageObject(patch[2] ?? '', body, patch[1] ?? ''));
    } else if (method === 'POST' && /^\/interactions\/[^/]+\/[^/]+\/callback$/.test(route)) {
      call.status = 204;
      this.#record(call);
      // A 204 must not claim a JSON body: undici would try to parse the empty one.
      res.writeHead(204).end();
    } else if (hook) {
      this.#record(call);
      json(
        res,
        200,
        this.#messageObject(hook[1] && hook[1] !== '@original' ? hook[1] : String(++nextId), body, CHANNEL),
      );
    } else if (channel) {
      this.#record(call);
      const id = channel[1] ?? '';
      json(
        res,
        200,
        id === DM_CHANNEL ? { id, type: 1, recipients: [ALICE] } : { id, type: 0, guild_id: GUILD, name: 'ops' },
      );
    } else if (method === 'PUT' && /\/reactions\//.test(route)) {
      call.status = 204;
      this.#record(call);
      res.writeHead(204).end();
    } else {
      call.status = 404;
      this.#record(call);
      json(res, 404, { message: `Unknown route ${method} ${route}`, code: 0 });
    }
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

// JSON, or multipart/form-data with `payload_json` and `files[n]` parts (attachments).
function parseBody(
  raw: Buffer,
  contentType: string,
): { body: Record<string, unknown>; files: { name: string; content: string }[] } {
  if (raw.length === 0) return { body: {}, files: [] };
  if (contentType.startsWith('application/json')) return { body: JSON.parse(raw.toString('utf8')), files: [] };
  const b = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const boundary = b?.[1] ?? b?.[2];
  if (!boundary) return { body: {}, files: [] };
  let body: Record<string, unknown> = {};
  const files: { name: string; content: string }[] = [];
  for (const part of raw.toString('utf8').split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    const content = part.slice(split + 4, part.lastIndexOf('\r\n'));
    const name = /name="([^"]+)"/.exec(head)?.[1];
    const filename = /filename="([^"]+)"/.exec(head)?.[1];
    if (name === 'payload_json') body = JSON.parse(content);
    else if (filename) files.push({ name: filename, content });
  }
  return { body, files };
}
