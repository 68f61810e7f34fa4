import type { Command } from 'commander';
import { type CliContext, examples } from '../cli-context.js';

interface WebhookRow {
  url: string;
  type: string;
  rules: string[];
  signed: boolean;
}

export function registerWebhookCommand(program: Command, ctx: CliContext): void {
  const webhook = program
    .command('webhook')
    .description('webhooks registered by enabled rules (POST /api/v1/webhooks/<url>)')
    .addHelpText('after', examples('squall webhook list'));

  webhook
    .command('list')
    .description('list the webhook URLs enabled rules register, with their rules (never their secrets)')
    .option('--json', 'print the API JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const { items } = await (await ctx.api(cmd)).list<WebhookRow>('/api/v1/webhooks');
      if (flags.json) return ctx.output.json(items);
      ctx.output.table(
        ['url', 'type', 'auth', 'rules'],
        items.map((h) => [
          h.url,
          h.type,
          h.signed ? 'token, API key or X-Hub-Signature-256' : 'token or API key',
          h.rules.join(', '),
        ]),
        'No webhooks.',
      );
    });
}
