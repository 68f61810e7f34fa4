import { describe, expect, it } from 'vitest';
import type { Execution } from '../../../../web/src/api/types.ts';
import { newerExecution, newerPages } from '../../../../web/src/lib/newer-execution.ts';

const at = (...statuses: string[]): Execution => run('e1', ...statuses);
const run = (id: string, ...statuses: string[]): Execution => ({
  id,
  action: { ref: 'core.local' },
  status: statuses.at(-1) ?? 'requested',
  start_timestamp: `2026-12-01T10:00:${id.slice(1).padStart(2, '0')}.000Z`,
  log: statuses.map((status, i) => ({ status, timestamp: `2026-12-01T10:00:0${i}.000Z` })),
});

describe('newer execution', () => {
  it('keeps a later status when an older snapshot arrives after it', () => {
    const running = at('requested', 'scheduled', 'running');
    expect(newerExecution(running, at('requested')).status).toBe('running');
    expect(newerExecution(at('requested', 'scheduled', 'running', 'canceling', 'canceled'), running).status).toBe(
      'canceled',
    );
  });

  it('takes the incoming view when it is as new or newer, or when there was none', () => {
    expect(newerExecution(undefined, at('requested')).status).toBe('requested');
    expect(newerExecution(at('requested'), at('requested', 'scheduled')).status).toBe('scheduled');
    const done = { ...at('requested', 'scheduled', 'running', 'succeeded'), result: { stdout: 'x' } };
    expect(newerExecution(at('requested', 'scheduled', 'running', 'succeeded'), done).result).toEqual({ stdout: 'x' });
  });

  it('keeps a row the stream added when a re-read answered before it existed, and newer rows over older', () => {
    const onScreen = {
      pages: [
        { data: [run('e3', 'requested', 'failed'), run('e2', 'requested', 'running'), run('e1', 'failed')], total: 3 },
      ],
    };
    // Read before e3 failed (so it did not match) and before e2 left `requested`.
    const reread = { pages: [{ data: [run('e2', 'requested'), run('e1', 'failed')], total: 2 }] };
    const merged = newerPages(onScreen, reread, new Set(['e3']));
    expect(merged.pages[0]?.data.map((e) => `${e.id}:${e.status}`)).toEqual(['e3:failed', 'e2:running', 'e1:failed']);
    expect(merged.pages[0]?.total).toBe(3);
    // A row the stream did not add, missing from the re-read, is gone (it no longer matches).
    expect(newerPages(onScreen, reread, new Set()).pages[0]?.data.map((e) => e.id)).toEqual(['e2', 'e1']);
  });
});
