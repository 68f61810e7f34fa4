/** One piece of an alias format: literal text or a placeholder. */
export type FormatPart = { kind: 'literal'; text: string } | { kind: 'param'; name: string; default?: string };

/** An alias format as parse-format.ts reads it; shared by the template compiler and the regex builder. */
export interface ParsedFormat {
  source: string;
  kind: 'template' | 'regex';
  parts: FormatPart[];
  /** Parameter names in order of appearance: placeholders, and for regex formats also named groups. */
  params: string[];
}
