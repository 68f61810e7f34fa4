import type { FastifyInstance } from 'fastify';

/**
 * Remembers every route's path pattern, so that a request whose path exists under other methods
 * gets 405 with `Allow` instead of fastify's 404.
 */
export function trackRouteMethods(app: FastifyInstance): (method: string, path: string) => string[] {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (route) => {
    const source = route.url
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    routes.push({ pattern: new RegExp(`^${source}/?$`), methods: methods.map(String) });
  });
  return (method, path) => {
    const allowed = new Set<string>();
    for (const r of routes) if (r.pattern.test(path)) for (const m of r.methods) allowed.add(m);
    allowed.delete(method);
    return [...allowed].sort();
  };
}
