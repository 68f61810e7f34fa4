import { EventSource, type FetchLike } from 'eventsource';
import { deferred } from '../lib/deferred.js';
import type { CliAuth } from './cli-config.js';
import { CliError } from './cli-error.js';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Read the body as text (for `/executions/{id}/output`). @default false */
  text?: boolean;
  /** Send no credentials (login uses its own Basic header). @default false */
  anonymous?: boolean;
}

/** A list response with StackStorm's `X-Total-Count`, when the server sent it. */
export interface ListResult<T> {
  items: T[];
  total: number | undefined;
}

/** An event from the SSE stream: its name (`st2.execution__output`) and parsed JSON data. */
export interface StreamEvent {
  event: string;
  data: unknown;
}

export interface StreamHandle {
  /** Resolves true once the stream is open, false if it failed before opening. */
  readonly opened: Promise<boolean>;
  /** Resolves when the stream is closed for good (by the server refusing it or by close()). */
  readonly closed: Promise<void>;
  close(): void;
}

export interface StreamOptions {
  events: string[];
  query?: Record<string, string | undefined>;
  onEvent(e: StreamEvent): void;
}

/**
 * The CLI's only door to the server: StackStorm-compatible `/api/v1` over HTTP. Every failure
 * becomes a CliError whose message is the server's `faultstring` or a connection hint.
 */
export class ApiClient {
  readonly #baseUrl: string;
  readonly #auth: CliAuth;
  #basicToken: Promise<string> | undefined;

  constructor(baseUrl: string, auth: CliAuth) {
    this.#baseUrl = baseUrl;
    this.#auth = auth;
  }

  get baseUrl(): string {
    return this.#baseUrl;
  }

  get<T>(path: string, opts?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, opts);
  }

  post<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, { ...opts, body });
  }

  delete<T>(path: string, opts?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, opts);
  }

  /** GET of a collection, keeping `X-Total-Count`. */
  async list<T>(path: string, query?: RequestOptions['query']): Promise<ListResult<T>> {
    const res = await this.#fetch('GET', path, { query });
    const body = (await readBody(res, false)) as unknown;
    const total = Number(res.headers.get('x-total-count') ?? Number.NaN);
    return { items: Array.isArray(body) ? (body as T[]) : [], total: Number.isFinite(total) ? total : undefined };
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.#fetch(method, path, opts);
    return (await readBody(res, opts.text === true)) as T;
  }

  /** `POST /auth/v1/tokens` with HTTP Basic: a token for the user. */
  login(username: string, password: string): Promise<{ token: string; user: string; expiry?: string }> {
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    return this.request('POST', '/auth/v1/tokens', {
      anonymous: true,
      body: {},
      headers: { Authorization: `Basic ${basic}` },
    });
  }

  /**
   * Opens `GET /api/v1/stream?events=...` (SSE). Credentials go in headers through a custom fetch,
   * never in the URL, so they do not end up in proxy or server access logs.
   */
  stream(opts: StreamOptions): StreamHandle {
    const url = this.#url('/api/v1/stream', { events: opts.events.join(','), ...opts.query });
    const fetchWithAuth: FetchLike = async (input, init) =>
      fetch(input, { ...init, headers: { ...init.headers, ...(await this.#authHeaders()) } });
    const es = new EventSource(url, { fetch: fetchWithAuth });
    const opened = deferred<boolean>();
    const closed = deferred();
    const finish = () => {
      es.close();
      opened.resolve(false);
      closed.resolve();
    };
    es.onopen = () => opened.resolve(true);
    // EventSource retries network blips by itself; CLOSED means the server refused (404, 401, wrong type).
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) finish();
    };
    const deliver = (name: string) => (ev: MessageEvent) => {
      let data: unknown = ev.data;
      try {
        data = JSON.parse(String(ev.data));
      } catch {
        // Keep the raw text: a keepalive or a non-JSON event is not worth failing the stream for.
      }
      opts.onEvent({ event: name, data });
    };
    for (const name of opts.events) es.addEventListener(name, deliver(name));
    es.addEventListener('message', deliver('message'));
    return { opened: opened.promise, closed: closed.promise, close: finish };
  }

  async #fetch(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    if (!opts.anonymous) Object.assign(headers, await this.#authHeaders());
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    let res: Response;
    try {
      res = await fetch(this.#url(path, opts.query), { method, headers, body });
    } catch (e) {
      throw new CliError(`cannot reach Squall at ${this.#baseUrl}: is it running? (squall start)`, 1, { cause: e });
    }
    if (!res.ok) throw await httpError(res, this.#auth);
    return res;
  }

  #url(path: string, query?: RequestOptions['query']): string {
    const u = new URL(this.#baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u.href;
  }

  async #authHeaders(): Promise<Record<string, string>> {
    const a = this.#auth;
    if (a.kind === 'api-key') return { 'St2-Api-Key': a.key };
    if (a.kind === 'token') return { 'X-Auth-Token': a.token };
    if (a.kind === 'basic') {
      // The credentials file may hold only a password: trade it for a token once per process.
      this.#basicToken ??= this.login(a.username, a.password).then((t) => t.token);
      return { 'X-Auth-Token': await this.#basicToken };
    }
    return {};
  }
}

async function readBody(res: Response, asText: boolean): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (asText) return text;
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function httpError(res: Response, auth: CliAuth): Promise<CliError> {
  const text = await res.text().catch(() => '');
  let message = text.trim() || `${res.status} ${res.statusText}`;
  let code: string | undefined;
  try {
    const body = JSON.parse(text) as { faultstring?: unknown; code?: unknown; message?: unknown };
    if (typeof body.faultstring === 'string') message = body.faultstring;
    else if (typeof body.message === 'string') message = body.message;
    if (typeof body.code === 'string') code = body.code;
  } catch {
    // Not JSON (a proxy's error page): keep the text.
  }
  if (res.status === 401) {
    message +=
      auth.kind === 'none'
        ? ' (no credentials: set SQUALL_API_KEY, or run `squall login`)'
        : ` (credentials from ${auth.source})`;
  }
  return new CliError(message, 1, { code, status: res.status });
}
