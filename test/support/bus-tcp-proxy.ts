import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of the broker that a test can cut: `down()` drops every open
 * connection and refuses new ones (as a broker restart or a network cut would look to the client),
 * `up()` lets connections through again. Only ever forwards to the given loopback host and port.
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #up = true;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy!: TcpProxy;
    const server = createServer((client) => {
      if (!proxy.#up) {
        client.destroy();
        return;
      }
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        proxy.#sockets.add(s);
        s.on('close', () => proxy.#sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    proxy = new TcpProxy(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    const addr = this.#server.address();
    if (addr === null || typeof addr === 'string') throw new Error('proxy is not listening');
    return addr.port;
  }

  down(): void {
    this.#up = false;
    for (const s of this.#sockets) s.destroy();
  }

  up(): void {
    this.#up = true;
  }

  async close(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
