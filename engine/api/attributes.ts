/** `include_attributes` / `exclude_attributes` query parameters, as StackStorm's list endpoints take them. */
export const attributesQuerySchema = {
  include_attributes: { type: 'string', description: 'Comma-separated top-level fields to return (plus id).' },
  exclude_attributes: { type: 'string', description: 'Comma-separated top-level fields to leave out.' },
} as const;

function split(s: string | undefined): string[] {
  return (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Keeps or drops top-level fields; `id` is always kept when fields are selected. */
export function selectAttributes<T extends object>(
  item: T,
  q: { include_attributes?: string; exclude_attributes?: string },
): Partial<T> {
  const include = split(q.include_attributes);
  const exclude = new Set(split(q.exclude_attributes));
  const entries = Object.entries(item).filter(([k]) =>
    include.length > 0 ? include.includes(k) || k === 'id' : !exclude.has(k),
  );
  return Object.fromEntries(entries) as Partial<T>;
}
