import type { ExtractResult } from '../aliases/extract.js';

/**
 * Extracts parameters from `command` with one alias `format`, locally, with the code the server
 * matches chat commands with. Loaded on demand so other commands do not pay for the grammar.
 */
export async function parseWithFormat(format: string, command: string): Promise<ExtractResult> {
  const { extractParameters } = await import('../aliases/extract.js');
  return extractParameters(format, command);
}
