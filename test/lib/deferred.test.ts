import { describe, expect, it } from 'vitest';
import { deferred } from '../../lib/deferred.js';

describe('deferred', () => {
  it('settles its promise from outside, once', async () => {
    const d = deferred<number>();
    d.resolve(1);
    d.resolve(2);
    d.reject(new Error('late'));
    await expect(d.promise).resolves.toBe(1);
  });

  it('rejects with the reason given', async () => {
    const d = deferred();
    d.reject(new Error('boom'));
    await expect(d.promise).rejects.toThrow('boom');
  });

  it('when quiet, a rejection nobody awaits is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      deferred({ quiet: true }).reject(new Error('nobody listens'));
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('when quiet, a caller that does await still sees the rejection', async () => {
    const d = deferred({ quiet: true });
    d.reject(new Error('seen'));
    await expect(d.promise).rejects.toThrow('seen');
  });
});
