export interface Page<T> {
  items: T[];
  /** Matching rows before limit/offset, for `X-Total-Count`. */
  total: number;
}
