import { useState } from 'react';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function Leaf({ value }: { value: Json }) {
  if (value === null) return <span className="j-null">null</span>;
  if (typeof value === 'string') return <span className="j-str">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="j-num">{String(value)}</span>;
  return <span className="j-bool">{String(value)}</span>;
}

function Node({ name, value, depth }: { name?: string; value: Json; depth: number }) {
  const isBranch = typeof value === 'object' && value !== null;
  const [open, setOpen] = useState(depth < 2);
  const label = name !== undefined ? <span className="j-key">{name}: </span> : null;
  if (!isBranch) {
    return (
      <li>
        {label}
        <Leaf value={value} />
      </li>
    );
  }
  const entries: [string, Json][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value as Record<string, Json>);
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <li>
      <button type="button" className="j-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> {label}
        <span className="muted">{summary}</span>
      </button>
      {open && entries.length > 0 ? (
        <ul>
          {entries.map(([k, v]) => (
            <Node key={k} name={k} value={v} depth={depth + 1} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** A JSON value as a tree whose objects and arrays open and close (two levels open at first). */
export function JsonTree({ value, label }: { value: unknown; label: string }) {
  return (
    <ul className="json-tree" aria-label={label}>
      <Node value={(value ?? null) as Json} depth={0} />
    </ul>
  );
}
