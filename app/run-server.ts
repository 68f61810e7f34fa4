import { anyPlatformConfigured } from '../bot/platforms.js';
import { CliAdapter } from '../bot/terminal/cli-adapter.js';
import { shellHistoryFile } from '../bot/terminal/shell-terminal.js';
import { readCredentials } from '../engine/auth/credentials.js';
import { asSquallError } from '../engine/errors.js';
import { describeBackends } from './presets.js';
import { startServer } from './start-server.js';

const SHELL_CHANNEL = 'terminal';

export interface RunServerOptions {
  host?: string;
  port?: number;
  dataDir?: string;
  configPath?: string;
  roles?: string[];
  /** Open the terminal chat shell when stdin/stdout are a terminal and no chat platform is configured. @default true */
  shell?: boolean;
}

/**
 * `squall start` / `npm start`: runs until SIGINT/SIGTERM (or the terminal shell is closed) and
 * resolves to the process exit code. Start-up problems (bad config, port in use) are one clear
 * line, exit code 1.
 */
export async function runServer(opts: RunServerOptions = {}): Promise<number> {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  let shell: CliAdapter | undefined;
  const wantShell = opts.shell !== false && interactive;
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer({
      ...(opts.host !== undefined ? { host: opts.host } : {}),
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
      ...(opts.configPath !== undefined ? { configPath: opts.configPath } : {}),
      ...(opts.roles !== undefined ? { roles: opts.roles } : {}),
      localShellChannel: SHELL_CHANNEL,
      logToFile: wantShell,
      adapters: async (_parts, core) => {
        const platformConfigured = anyPlatformConfigured({ chat: core.config.chat, env: core.config.env });
        if (!wantShell || !core.config.chat.shell || platformConfigured) return [];
        shell = new CliAdapter({
          input: process.stdin,
          output: process.stdout,
          // The terminal belongs to whoever holds the data dir: the first admin.
          user: (await readCredentials(core.config.dataDir).catch(() => undefined))?.username ?? 'admin',
          channel: SHELL_CHANNEL,
          // NO_COLOR set to anything non-empty turns colour off (no-color.org).
          color: !core.config.env.NO_COLOR,
          historyFile: shellHistoryFile(core.config.dataDir),
        });
        return [shell];
      },
    });
  } catch (e) {
    const err = asSquallError(e);
    const msg =
      (err.cause as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE' || /EADDRINUSE/.test(err.message)
        ? `${err.message} (is another Squall running? use --port)`
        : err.message;
    process.stderr.write(`squall: cannot start: ${msg}\n`);
    return 1;
  }
  const { config } = running;
  const lines = [
    `Squall is running${running.url ? ` at ${running.url}` : ''} (roles: ${config.roles.join(', ')}).`,
    describeBackends(config),
    `Packs: ${(await running.core.store.packs.list()).items.map((p) => p.ref).join(', ')}.`,
  ];
  if (running.logPath) lines.push(`Logs: ${running.logPath}`);
  if (running.credentialsPath)
    lines.push(`Admin credentials: ${running.credentialsPath} (the squall CLI reads them from there).`);
  lines.push(shell ? 'Chat shell open: type !help. Ctrl-D or Ctrl-C stops Squall.' : 'Press Ctrl-C to stop.');
  process.stderr.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void shell?.closed.then(stop);
  });
  // A second signal ends the graceful stop at once: running executions are handed back now.
  const hurry = () => {
    process.stderr.write('Stopping now: handing running executions back to the queue.\n');
    running.roles.hurry();
  };
  process.on('SIGINT', hurry);
  process.on('SIGTERM', hurry);
  const grace = Math.round(config.shutdown.graceMs / 1000);
  process.stderr.write(`Stopping Squall (running executions may take up to ${grace}s; signal again to stop now)...\n`);
  try {
    await running.close();
  } finally {
    process.off('SIGINT', hurry);
    process.off('SIGTERM', hurry);
  }
  return 0;
}
