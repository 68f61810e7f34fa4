/** A promise together with the functions that settle it, for a result that arrives from elsewhere. */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export interface DeferredOptions {
  /**
   * Rejecting with nobody awaiting is not an unhandled rejection (a result owed to a caller that
   * may be gone, such as a queued message restored after a restart). @default false
   */
  quiet?: boolean;
}

/**
 * A promise with its settle functions (Node 20 has no `Promise.withResolvers`).
 *
 * @example
 * const ready = deferred();
 * socket.once('open', () => ready.resolve());
 * await ready.promise;
 */
export function deferred<T = void>(opts: DeferredOptions = {}): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  if (opts.quiet) promise.catch(() => {});
  return { promise, resolve, reject };
}
