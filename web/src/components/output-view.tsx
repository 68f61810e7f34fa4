import { useEffect, useMemo, useRef, useState } from 'react';
import type { OutputChunk } from '../api/types.ts';
import { ansiSegments } from '../lib/ansi.ts';

type Which = 'all' | 'stdout' | 'stderr';

/** Output chunks (already masked by the runner) with ANSI colours, a stream filter and follow mode. */
export function OutputView({ chunks, live }: { chunks: OutputChunk[]; live: boolean }) {
  const [which, setWhich] = useState<Which>('all');
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLPreElement>(null);
  const lines = useMemo(() => {
    // Per stream, so an escape code split across two chunks of the same stream still parses.
    const runs: { stream: 'stdout' | 'stderr'; text: string }[] = [];
    for (const c of chunks) {
      if (which !== 'all' && c.output_type !== which) continue;
      const last = runs.at(-1);
      if (last && last.stream === c.output_type) last.text += c.data;
      else runs.push({ stream: c.output_type, text: c.data });
    }
    return runs.map((r) => ({ stream: r.stream, segments: ansiSegments(r.text) }));
  }, [chunks, which]);

  useEffect(() => {
    if (follow && box.current && lines.length >= 0) box.current.scrollTop = box.current.scrollHeight;
  }, [follow, lines]);

  return (
    <section aria-labelledby="output-h" className="output">
      <div className="section-head">
        <h2 id="output-h">Output</h2>
        <div className="controls">
          <label>
            Show
            <select value={which} onChange={(e) => setWhich(e.target.value as Which)}>
              <option value="all">stdout and stderr</option>
              <option value="stdout">stdout</option>
              <option value="stderr">stderr</option>
            </select>
          </label>
          <label className="check">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
            Follow
          </label>
        </div>
      </div>
      <pre ref={box} className="terminal" role="log" aria-live={live ? 'polite' : 'off'} aria-label="Output">
        {lines.length === 0 ? (
          <span className="muted">{live ? 'Waiting for output…' : 'No output.'}</span>
        ) : (
          lines.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: runs only grow at the end, so the index is stable
            <span key={i} className={l.stream}>
              {l.segments.map((s, j) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: segments of one run in order
                <span key={j} className={s.classes.join(' ') || undefined}>
                  {s.text}
                </span>
              ))}
            </span>
          ))
        )}
      </pre>
    </section>
  );
}
