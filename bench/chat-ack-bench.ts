import { PassThrough } from 'node:stream';
import { startServer } from '../app/start-server.js';
import { CliAdapter } from '../bot/terminal/cli-adapter.js';
import { silentLogger } from '../engine/logger.js';
import { latencyMetrics, type Metric, tempDir } from './bench-util.js';

/** Terminal adapter: a typed line in → the ack printed, through the real router and engine. */
export async function benchChatAck(): Promise<Metric[]> {
  const dir = tempDir('squall-chat-');
  const input = new PassThrough();
  const output = new PassThrough();
  let buffer = '';
  let waiter: (() => void) | undefined;
  let expect = '';
  output.on('data', (d: Buffer) => {
    buffer += d.toString();
    if (waiter && buffer.includes(expect)) {
      const w = waiter;
      waiter = undefined;
      w();
    }
  });
  const s = await startServer({
    dataDir: dir.path,
    config: { api: { port: 0 }, log: { level: 'silent' }, chat: { shell: false } },
    logger: silentLogger,
    localShellChannel: 'terminal',
    adapters: () => [new CliAdapter({ input, output, user: 'admin', channel: 'terminal', color: false })],
  });
  try {
    const samples: number[] = [];
    for (let i = 0; i < 600; i++) {
      buffer = '';
      expect = 'Running `true`';
      const done = new Promise<void>((r) => (waiter = r));
      const t0 = performance.now();
      input.write('!run true\n');
      await done;
      if (i >= 100) samples.push(performance.now() - t0);
      // One command at a time, as a person types: wait for its result before the next message, so an
      // earlier command's child process is not being forked while the next ack is measured.
      expect = 'core.local succeeded';
      await new Promise<void>((r) => {
        waiter = r;
        if (buffer.includes(expect)) {
          waiter = undefined;
          r();
        }
      });
    }
    return latencyMetrics('chat_ack', samples, 3);
  } finally {
    await s.close();
    dir.remove();
  }
}
