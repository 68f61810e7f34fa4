/** The parsed form of a YAQL expression, as grammar/yaql.ne builds it. */
export type YaqlNode =
  | { k: 'lit'; v: string | number | boolean | null }
  /** A bare identifier: a string literal in value position (`ctx(msg)` is `ctx('msg')`). */
  | { k: 'name'; name: string }
  /** `$` (name '') or `$name`. */
  | { k: 'var'; name: string }
  | { k: 'list'; items: YaqlNode[] }
  | { k: 'dict'; pairs: [YaqlNode, YaqlNode][] }
  /** `f(args)`, or `recv.f(args)` (method syntax: the receiver is the first argument); `?.` is safe. */
  | { k: 'call'; name: string; args: YaqlArg[]; recv?: YaqlNode; safe?: boolean }
  | { k: 'prop'; obj: YaqlNode; name: string; safe: boolean }
  | { k: 'index'; obj: YaqlNode; index: YaqlNode }
  | { k: 'bin'; op: string; l: YaqlNode; r: YaqlNode }
  | { k: 'un'; op: string; e: YaqlNode };

/** A call argument: positional, or `key => value`. */
export type YaqlArg = { k: 'pos'; e: YaqlNode } | { k: 'kw'; key: YaqlNode; e: YaqlNode };
