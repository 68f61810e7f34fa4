import { PassThrough } from 'node:stream';
import { CliAdapter } from '../../../bot/terminal/cli-adapter.js';
import { chatAdapterContract } from '../../contract/chat-adapter.contract.js';

chatAdapterContract('terminal (CliAdapter over streams)', async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (b: Buffer) => {
    printed += b.toString('utf8');
  });
  const adapter = new CliAdapter({ input, output, user: 'alice', channel: 'ops', color: false });
  return {
    adapter,
    user: 'alice',
    channel: 'ops',
    async say(text) {
      input.write(`${text}\n`);
    },
    async shown(text) {
      const deadline = Date.now() + 10_000;
      while (!printed.includes(text)) {
        if (Date.now() > deadline) throw new Error(`"${text}" never printed; transcript:\n${printed}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return {};
    },
    async close() {},
  };
});
