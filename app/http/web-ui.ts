import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { installRoot } from '../../lib/install-root.js';
import type { HttpServer } from './http-server.js';

/** The UI's pages: each answers index.html at its path and below it, so deep links load the app. */
export const WEB_PAGES = ['executions', 'actions', 'rules', 'triggers', 'inquiries', 'keys', 'packs', 'aliases'];

// No inline script or style, nothing from another origin: the bundle is all the UI runs.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

function sendJson(res: ServerResponse, status: number, faultstring: string, code: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ faultstring, code }));
}

/**
 * Serves the built UI (`dist/web`, made by `npm run build`) on the mount table: `/`, every page and
 * its deep links answer index.html; `/assets/` the hashed bundle files. Everything else, `/api/...`
 * included, stays the API's, so unknown API paths still answer JSON 404s.
 */
export function mountWebUi(http: HttpServer, dir: string = join(installRoot(), 'dist', 'web')): void {
  const cache = new Map<string, Buffer>();
  const load = async (file: string): Promise<Buffer | undefined> => {
    const hit = cache.get(file);
    if (hit) return hit;
    try {
      const body = await readFile(file);
      cache.set(file, body);
      return body;
    } catch {
      return undefined;
    }
  };

  const send = async (req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string) => {
    securityHeaders(res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendJson(res, 405, `Method ${req.method} is not allowed on the web UI; use GET, HEAD`, 'SQ_METHOD_NOT_ALLOWED');
      return;
    }
    const body = await load(file);
    if (!body) {
      if (file.endsWith('index.html')) {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`The web UI is not built (no ${file}): run npm run build in Squall's folder.\n`);
      } else {
        sendJson(res, 404, 'No such file in the web UI', 'SQ_NOT_FOUND');
      }
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': cacheControl,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const index = join(dir, 'index.html');
  const page = (req: IncomingMessage, res: ServerResponse) => void send(req, res, index, 'no-cache');
  http.mount('/', page);
  for (const p of WEB_PAGES) {
    http.mount(`/${p}`, page);
    http.mount(`/${p}/`, page);
  }

  const assets = join(dir, 'assets');
  http.mount('/assets/', (req, res) => {
    let rel: string;
    try {
      rel = decodeURIComponent((req.url ?? '').split('?')[0]!.slice('/assets/'.length));
    } catch {
      rel = '';
    }
    const file = normalize(join(assets, rel));
    if (rel === '' || !file.startsWith(assets + sep)) {
      securityHeaders(res);
      sendJson(res, 404, 'No such file in the web UI', 'SQ_NOT_FOUND');
      return;
    }
    // Asset names carry a hash of their content, so a browser may keep them for good.
    void send(req, res, file, 'public, max-age=31536000, immutable');
  });
}
