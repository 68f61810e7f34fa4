import { delimiter, join, relative } from 'node:path';
import { installRoot } from '../../lib/install-root.js';
import type { ParamSpecs } from '../model/action.js';
import type { JsonObject, JsonValue } from '../model/json.js';
import { isStorableJson } from '../model/json-limits.js';
import { isExecutable } from '../packs/pack-files.js';
import { packVenvDir, venvPython } from '../packs/python/venv-paths.js';
import { existingActionFile } from './action-file.js';
import {
  childEnv,
  type ProcessEnd,
  type ProcessRunnerOptions,
  resolveProcessOptions,
  runProcess,
} from './process-runner.js';
import type { RunContext, Runner, RunOutcome } from './runner.js';
import { readBoolean, readEnv, readString } from './runner-params.js';

/** StackStorm's python-script runner parameters (runner.yaml), plus Squall's `python_path`. */
const PARAMETERS: ParamSpecs = {
  env: { type: 'object', description: 'Environment variables added for the action.' },
  timeout: { type: 'integer', default: 600, description: 'Seconds before the action is killed.' },
  log_level: {
    type: 'string',
    default: 'DEBUG',
    enum: ['AUDIT', 'CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG'],
    description: "Level of the action's self.logger (which writes to stderr).",
  },
  debug: { type: 'boolean', default: false, description: 'Sets ST2_ACTION_DEBUG for the action.' },
  content_version: {
    type: 'string',
    description: 'Accepted for StackStorm compatibility and ignored: the registered pack content runs.',
  },
  python_path: {
    type: 'string',
    description: `Extra folders for the action's imports (PYTHONPATH), separated by "${delimiter}".`,
  },
};

export interface PythonScriptRunnerDeps {
  /** Squall's data folder: packs' environments are `<dataDir>/virtualenvs/<pack>`. */
  dataDir: string;
  /** The interpreter for packs without an environment (`packs.python`). */
  python: string;
  /** The pack's config as the execution's user sees it (`self.config`). */
  packConfig(pack: string, user?: string): Promise<JsonObject>;
}

/** The most of the wrapper's report kept; the store refuses far smaller results anyway. */
const MAX_REPORT = 64 * 1024 * 1024;

const WRAPPER = (): string => join(installRoot(), 'python', 'squall_runner', 'action_wrapper.py');

/** A result for a run that could not start, in the python runner's shape. */
function notStarted(error: string): RunOutcome {
  return { status: 'failed', result: { exit_code: 255, stdout: '', stderr: '', result: null, error } };
}

/** A pack's environment when it has one, else `packs.python`. */
async function interpreterFor(deps: PythonScriptRunnerDeps, pack: string): Promise<string> {
  const venv = venvPython(packVenvDir(deps.dataDir, pack));
  return (await isExecutable(venv)) ? venv : deps.python;
}

/**
 * What `run()` receives: every parameter the action declares (null when not given, as StackStorm
 * passes None), never the runner's own parameters even when the action re-declares them.
 */
function runArguments(ctx: RunContext): JsonObject {
  const out: JsonObject = {};
  for (const name of Object.keys(ctx.action.parameters)) {
    if (!Object.hasOwn(PARAMETERS, name)) out[name] = ctx.parameters[name] ?? null;
  }
  for (const [name, v] of Object.entries(ctx.parameters)) {
    if (!Object.hasOwn(PARAMETERS, name) && !Object.hasOwn(out, name)) out[name] = v;
  }
  return out;
}

/** The wrapper's fd-3 report: `{status, result}` or `{error, traceback?}`. */
interface Report {
  status?: boolean | null;
  result?: JsonValue;
  error?: string;
  traceback?: string;
}

function parseReport(text: string): Report | undefined {
  if (text.trim() === '') return undefined;
  try {
    const r = JSON.parse(text) as unknown;
    return typeof r === 'object' && r !== null && !Array.isArray(r) ? (r as Report) : undefined;
  } catch {
    return undefined;
  }
}

/** StackStorm's python runner result: `{exit_code, stdout, stderr, result}`, plus `error`/`traceback` on failure. */
function pythonOutcome(end: ProcessEnd, reportText: string): RunOutcome {
  const base: JsonObject = {
    exit_code: end.code,
    stdout: end.stdout.text(),
    stderr: end.stderr.text(),
    result: null,
  };
  if (end.stdout.dropped > 0) base.stdout_truncated = end.stdout.dropped;
  if (end.stderr.dropped > 0) base.stderr_truncated = end.stderr.dropped;
  if (end.stopped === 'timeout') return { status: 'timeout', result: { ...base, error: end.error ?? 'timeout' } };
  if (end.stopped === 'cancel') return { status: 'canceled', result: { ...base, error: end.error ?? 'canceled' } };
  if (end.error !== undefined) return { status: 'failed', result: { ...base, error: end.error } };
  const report = parseReport(reportText);
  if (report?.error !== undefined) {
    const failed: JsonObject = { ...base, error: report.error };
    if (report.traceback) failed.traceback = report.traceback;
    return { status: 'failed', result: failed };
  }
  if (!report || !('result' in report)) {
    const error =
      end.code === 0 ? undefined : `The Python action exited with code ${end.code} without a result (see stderr)`;
    return error ? { status: 'failed', result: { ...base, error } } : { status: 'succeeded', result: base };
  }
  const value = report.result ?? null;
  const result = isStorableJson(value) ? value : JSON.stringify(value);
  const ok = report.status !== false && end.code === 0;
  return { status: ok ? 'succeeded' : 'failed', result: { ...base, result } };
}

/**
 * `python-script`: runs a pack's Python action (a class with `run()`, usually subclassing
 * `st2common.runners.base_action.Action`) in its own process with Squall's wrapper and shim
 * (`python/`), the pack's virtual environment when it has one. Parameters, config and the result
 * travel on stdin and a private pipe, never on the command line, so they are not visible in `ps`.
 *
 * @example createPythonScriptRunner({ dataDir, python: '/usr/bin/python3', packConfig })
 */
export function createPythonScriptRunner(deps: PythonScriptRunnerDeps, options?: ProcessRunnerOptions): Runner {
  const opts = resolveProcessOptions(options);
  return {
    name: 'python-script',
    description: "Runs a pack's Python action class, parameters as keyword arguments of run().",
    parameters: PARAMETERS,
    async run(ctx) {
      const file = await existingActionFile(ctx, 'Python action file');
      if (typeof file !== 'string') return notStarted(file.error);
      const python = await interpreterFor(deps, ctx.action.pack);
      if (!(await isExecutable(python))) {
        return notStarted(`Python interpreter ${python} does not exist or is not executable (packs.python)`);
      }
      let config: JsonObject;
      try {
        config = await deps.packConfig(ctx.action.pack, ctx.execution.context.user);
      } catch (e) {
        return notStarted(`The config of pack ${ctx.action.pack} cannot be used: ${(e as Error).message}`);
      }
      const p = ctx.parameters;
      if (readString(p, 'content_version') !== undefined) {
        ctx.logger.warn('content_version is not supported; the registered pack content runs');
      }
      const given = readEnv(p, 'env');
      const env = childEnv(given, ctx.env);
      const pythonPath = [
        ...(ctx.pack ? [join(ctx.pack.path, 'actions', 'lib')] : []),
        ...(readString(p, 'python_path') ?? '').split(delimiter),
        ...(env.PYTHONPATH ?? '').split(delimiter),
      ].filter((d) => d !== '');
      env.PYTHONPATH = pythonPath.join(delimiter);
      if (python !== deps.python) env.PATH = `${join(python, '..')}${delimiter}${env.PATH ?? ''}`;
      env.ST2_ACTION_DEBUG = readBoolean(p, 'debug', false) ? 'True' : 'False';
      const request = {
        file,
        shown: ctx.pack ? relative(ctx.pack.path, file) : file,
        pack: ctx.action.pack,
        parameters: runArguments(ctx),
        config,
        log_level: readString(p, 'log_level') ?? 'DEBUG',
      };
      let report = '';
      return runProcess(
        ctx,
        {
          file: python,
          args: ['-u', WRAPPER()],
          env,
          stdin: `${JSON.stringify(request)}\n`,
          onFd3: (d) => {
            // Past the cap the report is cut off and reads as missing: a failed run, not an unbounded buffer.
            if (report.length < MAX_REPORT) report += d;
          },
        },
        opts,
        (end) => pythonOutcome(end, report),
      );
    },
  };
}
