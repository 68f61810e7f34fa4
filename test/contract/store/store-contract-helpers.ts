import { expect } from 'vitest';
import { SquallError } from '../../../engine/errors.js';

export const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

/** Awaits `p` and checks it failed with a SquallError of `code`. */
export async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SquallError);
  expect((e as SquallError).code).toBe(code);
}
