import type { ExtractResult } from './extract.js';
import type { MatchOutcome } from './matcher.js';

/** What `squall alias parse` / `squall alias match` print, and their exit code. */
export interface ParseOutput {
  stdout: string;
  exitCode: 0 | 1;
}

/**
 * Renders an extraction or match for the CLI: `{"parameters": {...}}` (plus `"alias"` for a match) and
 * exit 0, or the reason and exit 1. Values are strings exactly as the user typed them.
 *
 * @example const out = renderParseOutput(extractParameters(fmt, cmd)); process.stdout.write(out.stdout); process.exitCode = out.exitCode;
 */
export function renderParseOutput(result: ExtractResult | MatchOutcome): ParseOutput {
  if ('ok' in result) {
    return result.ok
      ? { stdout: `${JSON.stringify({ parameters: result.parameters })}\n`, exitCode: 0 }
      : { stdout: `${result.reason}\n`, exitCode: 1 };
  }
  if (result.kind !== 'match') return { stdout: `${result.message}\n`, exitCode: 1 };
  const matches = result.matches.map((m) => ({
    alias: m.alias.ref,
    format: m.representation,
    parameters: m.parameters,
  }));
  const body = matches.length === 1 ? matches[0] : { matches };
  return { stdout: `${JSON.stringify(body)}\n`, exitCode: 0 };
}
