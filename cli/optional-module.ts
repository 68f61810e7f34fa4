import { CliError } from './cli-error.js';

/**
 * Loads an engine or aliases module on demand. The CLI imports server-side code lazily so that
 * `squall --help` and the HTTP commands start fast, and so that a command that needs a module that
 * is missing from this build fails with one clear line instead of a stack.
 *
 * The specifier is resolved against this file (cli/), so pass paths like `../engine/server.js`.
 */
export async function importOptional(specifier: string): Promise<Record<string, unknown> | undefined> {
  const url = new URL(specifier, import.meta.url).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    // Only "this very module is absent" means optional; a module that exists but fails to load is a bug to show.
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && mentions(e, specifier)) return undefined;
    throw e;
  }
}

function mentions(e: unknown, specifier: string): boolean {
  const base = specifier.replace(/^(\.\.\/)+/, '').replace(/\.js$/, '');
  return e instanceof Error && e.message.includes(base);
}

/** Like importOptional, but returns the named function or throws a CliError naming what is missing. */
export async function importFunction<F extends (...args: never[]) => unknown>(
  specifier: string,
  name: string,
  purpose: string,
): Promise<F> {
  const mod = await importOptional(specifier);
  const fn = mod?.[name];
  if (typeof fn !== 'function') {
    throw new CliError(
      `${purpose} is not available in this build (${specifier.replace(/^(\.\.\/)+/, '')} has no ${name})`,
    );
  }
  return fn as F;
}
