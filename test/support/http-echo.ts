import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface HttpEcho {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Requests received so far. */
  requests: { method: string; url: string }[];
  close(): Promise<void>;
}

/**
 * A real HTTP(S) server on loopback for runner tests:
 * - `/echo`: 200 JSON `{method, path, query, headers, body}` of the request
 * - `/status/<code>`: that status; JSON `{code}` for 200/201/500, plain text otherwise, nothing for 204
 * - `/text`: `text/plain` "hello\n"; `/slow`: answers after 20 s; `/redirect`: 302 to `/echo`
 */
export async function startHttpEcho(tls?: { key: string; cert: string }): Promise<HttpEcho> {
  const requests: { method: string; url: string }[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://localhost');
      const status = /^\/status\/(\d{3})$/.exec(u.pathname);
      if (u.pathname === '/echo') {
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.setHeader('x-echo', 'yes');
        res.end(
          JSON.stringify({
            method: req.method,
            path: u.pathname,
            query: Object.fromEntries([...u.searchParams.keys()].map((k) => [k, u.searchParams.getAll(k)])),
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      } else if (status) {
        const code = Number(status[1]);
        res.statusCode = code;
        if (code === 204) return void res.end();
        if ([200, 201, 500].includes(code)) {
          res.setHeader('content-type', 'application/json');
          return void res.end(JSON.stringify({ code }));
        }
        res.setHeader('content-type', 'text/plain');
        res.end(`status ${code}\n`);
      } else if (u.pathname === '/text') {
        res.setHeader('content-type', 'text/plain');
        res.end('hello\n');
      } else if (u.pathname === '/slow') {
        const timer = setTimeout(() => res.end('late'), 20_000);
        res.on('close', () => clearTimeout(timer));
      } else if (u.pathname === '/redirect') {
        res.statusCode = 302;
        res.setHeader('location', '/echo');
        res.end();
      } else {
        res.statusCode = 404;
        res.end('not found');
      }
    });
  };
  const server: Server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
