import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Pack } from '../../engine/model/action.js';
import type { ApiClient } from '../api-client.js';
import { type CliContext, examples } from '../cli-context.js';
import type { ExecutionJson } from '../execution-view.js';
import { ExecutionWatcher } from '../execution-watch.js';

/** `squall pack install`, `remove` and `show`: StackStorm's, run on the server as packs.install / packs.uninstall. */
export function registerPackInstallCommands(pack: Command, ctx: CliContext): void {
  pack
    .command('install')
    .description('install packs from folders, git repositories (URL[=ref]) or the pack index (NAME[=version])')
    .argument('<sources...>', 'a folder, a git URL (https://, git@, file://) with an optional =ref, or an index name')
    .option('--force', 'install even when an installed dependency has another version')
    .option('--skip-dependencies', "do not install the packs listed in pack.yaml's dependencies")
    .option('--no-deps', "do not install the pack's requirements.txt into its virtual environment")
    .option('--json', 'print the packs.install execution as JSON')
    .addHelpText(
      'after',
      examples(
        'squall pack install ./packs/mypack',
        'squall pack install https://github.com/StackStorm-Exchange/stackstorm-sensu.git=v1.2.0',
        'squall pack install sensu=1.2.0',
      ),
    )
    .action(async (sources: string[], flags: InstallFlags, cmd: Command) => {
      const api = await ctx.api(cmd);
      const body = {
        packs: sources.map(localToAbsolute),
        ...(flags.force ? { force: true } : {}),
        ...(flags.skipDependencies ? { skip_dependencies: true } : {}),
        ...(flags.deps === false ? { no_deps: true } : {}),
      };
      const e = await follow(ctx, api, '/api/v1/packs/install', body, flags.json === true);
      if (!e || flags.json) return;
      const installed = Object.values(((e.result ?? {}) as { packs?: Record<string, InstalledJson> }).packs ?? {});
      ctx.output.table(
        ['pack', 'version', 'registered', 'origin'],
        installed.map((p) => [p.ref, p.version, countsText(p.registered), p.origin?.source ?? '']),
        'No packs installed.',
      );
    });

  pack
    .command('remove')
    .description('remove installed packs: their content, folder and virtual environment (the config file stays)')
    .argument('<packs...>', 'names of installed packs')
    .option('--json', 'print the packs.uninstall execution as JSON')
    .addHelpText('after', examples('squall pack remove mypack'))
    .action(async (packs: string[], flags: { json?: boolean }, cmd: Command) => {
      await follow(ctx, await ctx.api(cmd), '/api/v1/packs/uninstall', { packs }, flags.json === true);
    });

  pack
    .command('show')
    .description('show a registered pack: version, origin, path and what it holds')
    .argument('<pack>', 'the pack name')
    .option('--json', 'print the API JSON')
    .addHelpText('after', examples('squall pack show core'))
    .action(async (name: string, flags: { json?: boolean }, cmd: Command) => {
      const api = await ctx.api(cmd);
      const p = await api.get<Pack>(`/api/v1/packs/${encodeURIComponent(name)}`);
      if (flags.json) return ctx.output.json(p);
      const counts: string[][] = [];
      for (const [kind, path] of CONTENT) {
        const { items } = await api.list<{ ref: string }>(`${path}?pack=${encodeURIComponent(p.ref)}`);
        counts.push([kind, String(items.length)]);
      }
      ctx.output.table(
        ['field', 'value'],
        [
          ['ref', p.ref],
          ['name', p.name],
          ['version', p.version],
          ['description', p.description],
          ['author', p.author],
          ['origin', p.origin ?? ''],
          ['path', p.path],
          ['dependencies', (p.dependencies ?? []).join(', ')],
          ...counts,
        ],
        '',
      );
    });
}

interface InstallFlags {
  force?: boolean;
  skipDependencies?: boolean;
  /** Commander's `--no-deps`: false when given. */
  deps?: boolean;
  json?: boolean;
}

interface InstalledJson {
  ref: string;
  version: string;
  registered: Record<string, number>;
  origin?: { source?: string };
}

const CONTENT: readonly (readonly [string, string])[] = [
  ['actions', '/api/v1/actions'],
  ['aliases', '/api/v1/actionalias'],
  ['rules', '/api/v1/rules'],
  ['sensors', '/api/v1/sensortypes'],
];

/** A folder given on the command line is sent as an absolute path: the server resolves nothing against the CLI's directory. */
function localToAbsolute(source: string): string {
  if (/^(?:[a-z][a-z0-9+.-]*:\/\/|git@|gitlab@)/i.test(source)) return source;
  const eq = source.lastIndexOf('=');
  const path = eq > 0 ? source.slice(0, eq) : source;
  if (/^(?:\.{1,2}(?:\/|$)|~|\/)/.test(path) || existsSync(path)) {
    const abs = resolve(path.replace(/^~(?=\/|$)/, process.env.HOME ?? '~'));
    return eq > 0 ? `${abs}${source.slice(eq)}` : abs;
  }
  return source;
}

/**
 * Starts a packs.install / packs.uninstall execution and follows it, printing its steps as they
 * happen. Sets the exit code: 0 when it succeeded, 1 otherwise. Returns the finished execution.
 */
async function follow(
  ctx: CliContext,
  api: ApiClient,
  path: string,
  body: object,
  json: boolean,
): Promise<ExecutionJson | undefined> {
  const out = ctx.output;
  const watcher = await ExecutionWatcher.open(api, {
    live: !json,
    onOutput: (chunk) => (chunk.stream === 'stdout' ? out.raw(chunk.data) : out.rawErr(chunk.data)),
  });
  try {
    const { execution_id } = await api.post<{ execution_id: string }>(path, body);
    const r = await watcher.follow(execution_id, {});
    const e = r.execution;
    if (json) out.json(e);
    const failed = e.status !== 'succeeded';
    ctx.exitCode = failed ? 1 : 0;
    if (failed && !json) {
      const error = (e.result as { error?: string } | undefined)?.error;
      if (error && !r.streamed.stderr.includes(error)) out.rawErr(`${error}\n`);
      out.note(out.color.red(`✖ ${e.action?.ref ?? 'execution'} ${e.id} ${e.status}`));
    }
    return e;
  } finally {
    watcher.close();
  }
}

function countsText(counts: Record<string, number> | undefined): string {
  const parts = Object.entries(counts ?? {})
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  return parts.join(', ') || 'nothing';
}
