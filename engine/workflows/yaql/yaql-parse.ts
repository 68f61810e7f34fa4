import nearley from 'nearley';
import yaqlGrammar from './grammar/yaql.grammar.js';
import type { YaqlNode } from './yaql-ast.js';
import { YaqlSyntaxError } from './yaql-errors.js';
import { createYaqlLexer } from './yaql-lexer.js';

const compiled = nearley.Grammar.fromCompiled(yaqlGrammar);
/** Workflows evaluate the same few expressions over and over (every transition, every item). */
const cache = new Map<string, YaqlNode>();
const CACHE_LIMIT = 2000;

/**
 * Parses one YAQL expression (the text between `<%` and `%>`).
 *
 * @throws YaqlSyntaxError with the offending token and its offset
 * @example parseYaql('ctx().n + 1')
 */
export function parseYaql(source: string): YaqlNode {
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  const parser = new nearley.Parser(compiled, { lexer: createYaqlLexer() });
  try {
    parser.feed(source);
  } catch (e) {
    if (e instanceof YaqlSyntaxError) throw e;
    // nearley's message lists every expected token over many lines; the first line names the problem.
    const first = (e instanceof Error ? e.message : String(e)).split('\n', 1)[0] ?? '';
    throw new YaqlSyntaxError(first.replace(/^Syntax error: /, '').replace(/^invalid syntax at /, ''));
  }
  const results = parser.results as YaqlNode[];
  if (results.length === 0)
    throw new YaqlSyntaxError(source.trim() ? 'unexpected end of expression' : 'empty expression');
  // The grammar is unambiguous; more than one parse would be a grammar bug, and the first is as good as any.
  const node = results[0] as YaqlNode;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, node);
  return node;
}
