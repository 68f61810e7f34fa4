import Anser from 'anser';

/** A run of output text with the CSS classes of its ANSI colours and decorations. */
export interface Segment {
  text: string;
  classes: string[];
}

/**
 * Output text with ANSI SGR codes as segments to render with classes (`ansi-red-fg`,
 * `ansi-bold`…), never as HTML: the text stays text, and the CSP needs no inline styles.
 */
export function ansiSegments(text: string): Segment[] {
  const out: Segment[] = [];
  for (const e of Anser.ansiToJson(text, { json: true, remove_empty: true, use_classes: true })) {
    const classes: string[] = [];
    if (e.fg) classes.push(`${e.fg}-fg`);
    if (e.bg) classes.push(`${e.bg}-bg`);
    for (const d of e.decorations ?? []) classes.push(`ansi-${d}`);
    out.push({ text: e.content, classes });
  }
  return out;
}
