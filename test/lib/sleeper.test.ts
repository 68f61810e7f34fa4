import { afterEach, describe, expect, it, vi } from 'vitest';
import { Sleeper } from '../../lib/sleeper.js';

describe('Sleeper', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends a sleep when its time is up', async () => {
    vi.useFakeTimers();
    const sleeper = new Sleeper();
    let done = false;
    const p = sleeper.sleep(1000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
    expect(sleeper.pending).toBe(0);
  });

  it('ends every pending sleep at once on wakeAll', async () => {
    const sleeper = new Sleeper();
    const sleeps = [sleeper.sleep(60_000), sleeper.sleep(120_000)];
    expect(sleeper.pending).toBe(2);
    sleeper.wakeAll();
    await Promise.all(sleeps);
    expect(sleeper.pending).toBe(0);
  });

  it('does not cut short a sleep that starts after wakeAll', async () => {
    vi.useFakeTimers();
    const sleeper = new Sleeper();
    sleeper.wakeAll();
    let done = false;
    void sleeper.sleep(500).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(done).toBe(false);
    sleeper.wakeAll();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });

  it('ends a sleep when its signal aborts, or at once when it already has', async () => {
    const sleeper = new Sleeper();
    const ctl = new AbortController();
    const p = sleeper.sleep(60_000, { signal: ctl.signal });
    ctl.abort();
    await p;
    await sleeper.sleep(60_000, { signal: AbortSignal.abort() });
    expect(sleeper.pending).toBe(0);
  });
});
