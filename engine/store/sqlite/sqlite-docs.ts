// Entities whose whole document sits in a JSON `doc` column share these two steps.

export function parseDoc<T>(doc: string | undefined): T | undefined {
  return doc === undefined ? undefined : (JSON.parse(doc) as T);
}

/** A patch without its `undefined` fields, so that spreading it never blanks a stored field. */
export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
