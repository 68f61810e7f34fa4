import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyServerFactory } from 'fastify';

/**
 * The process's one HTTP port. Platforms and features mount request handlers on path prefixes
 * (`/slack/`, Teams' `/api/messages`, the web UI's pages and `/assets/`); everything else goes to the REST
 * API. A mount table rather than a chain of ifs, so that a new platform adds a row, not a branch.
 */
export class HttpServer {
  readonly #mounts: { prefix: string; handler: RequestListener }[] = [];
  #api: FastifyInstance | undefined;
  #url: string | undefined;

  /**
   * Sends requests to `handler`: a `prefix` ending in `/` takes everything under it (`/slack/`),
   * any other is one path (`/api/messages`, with or without a query). `/` is only the root page (the
   * web UI's), never everything: what no mount takes is the API's. The longest prefix wins.
   */
  mount(prefix: string, handler: RequestListener): void {
    if (this.#mounts.some((m) => m.prefix === prefix)) throw new Error(`HTTP path ${prefix} is mounted twice`);
    this.#mounts.push({ prefix, handler });
    this.#mounts.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** For fastify's `serverFactory`: the node server that consults the mount table before the API. */
  readonly serverFactory: FastifyServerFactory = (apiHandler) =>
    createServer((req, res) => {
      const url = req.url ?? '/';
      const mount = this.#mounts.find((m) =>
        m.prefix.endsWith('/') && m.prefix !== '/'
          ? url.startsWith(m.prefix)
          : url === m.prefix || url.startsWith(`${m.prefix}?`),
      );
      (mount?.handler ?? apiHandler)(req, res);
    });

  /** The REST API, built with `serverFactory`; the server listens only when there is one. */
  serve(api: FastifyInstance): void {
    this.#api = api;
  }

  get serving(): boolean {
    return this.#api !== undefined;
  }

  /** Base URL (`http://host:port`) once listening. */
  get url(): string | undefined {
    return this.#url;
  }

  async listen(host: string, port: number): Promise<string> {
    if (!this.#api) throw new Error('nothing to serve: the api role is not running in this process');
    await this.#api.listen({ host, port });
    const addr = this.#api.server.address() as AddressInfo;
    const h = host.includes(':') ? `[${host}]` : host;
    this.#url = `http://${h === '0.0.0.0' ? '127.0.0.1' : h === '[::]' ? '[::1]' : h}:${addr.port}`;
    return this.#url;
  }

  async close(): Promise<void> {
    await this.#api?.close();
    this.#api = undefined;
  }
}
