import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import { type CliConfig, type GlobalOptions, resolveConfig } from './cli-config.js';
import type { Output } from './output.js';

/** What every command gets: where to write, the environment, and lazily the config and API client. */
export interface CliContext {
  readonly output: Output;
  readonly env: Record<string, string | undefined>;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };
  /** The global options (`--api-url`, `--api-key`, `--data-dir`) resolved against the environment. */
  config(cmd: Command): Promise<CliConfig>;
  /** An API client for the resolved server and credentials. */
  api(cmd: Command): Promise<ApiClient>;
  /** The process exit code the command ends with (0 unless set). */
  exitCode: number;
}

export function createContext(
  output: Output,
  env: Record<string, string | undefined>,
  stdin: CliContext['stdin'],
): CliContext {
  const ctx: CliContext = {
    output,
    env,
    stdin,
    exitCode: 0,
    config: (cmd) => resolveConfig(cmd.optsWithGlobals<GlobalOptions>(), env),
    async api(cmd) {
      const cfg = await ctx.config(cmd);
      return new ApiClient(cfg.apiUrl, cfg.auth);
    },
  };
  return ctx;
}

/** Help text listing examples, shown after the options by `--help`. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}
