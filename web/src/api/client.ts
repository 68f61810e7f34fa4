/** An answer of the API that was not 2xx, with StackStorm's `faultstring` as the message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ApiAnswer<T> {
  data: T;
  /** `X-Total-Count`, on lists. */
  total?: number;
}

type Unauthorized = (message: string) => void;
let onUnauthorized: Unauthorized = () => {};

/** Who to tell when a credentialed call answers 401 (the session ends: the token expired or was revoked). */
export function setUnauthorizedHandler(fn: Unauthorized): void {
  onUnauthorized = fn;
}

const CSRF_COOKIE = 'squall_csrf';

function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Leave a 401 to the caller (sign-in itself) instead of ending the session. */
  quiet401?: boolean;
}

/**
 * Calls Squall's API with the session cookie (the browser adds it; scripts never see the token) and,
 * on writes, the CSRF cookie's value in `X-CSRF-Token`, which the server requires with a cookie.
 */
export async function call<T>(path: string, opts: CallOptions = {}): Promise<ApiAnswer<T>> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = csrfToken();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const text = await res.text();
  const type = res.headers.get('Content-Type') ?? '';
  const parsed: unknown = type.includes('json') && text !== '' ? JSON.parse(text) : text;
  if (!res.ok) {
    const fault = parsed as { faultstring?: string; code?: string } | string;
    const message =
      typeof fault === 'object' && fault?.faultstring ? fault.faultstring : `${res.status} ${res.statusText}`;
    if (res.status === 401 && !opts.quiet401) onUnauthorized(message);
    throw new ApiError(res.status, message, typeof fault === 'object' ? fault?.code : undefined);
  }
  const total = res.headers.get('X-Total-Count');
  return { data: parsed as T, ...(total !== null ? { total: Number(total) } : {}) };
}

/** `call` when only the body matters. */
export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await call<T>(path, signal ? { signal } : {})).data;
}
