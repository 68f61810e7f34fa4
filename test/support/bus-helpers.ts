import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };
export { waitFor } from './processes.js';

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(e: unknown): void;
}

/** A promise with its settle functions, for handlers that must stay in flight until a test says so. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A unique message id per call, so tests never confuse messages of another run. */
let seq = 0;
export const msgId = (label: string): string => `${label}-${process.pid}-${++seq}`;
