import { describe, expect, it } from 'vitest';
import type { Execution } from '../../../../web/src/api/types.ts';
import { newerExecution } from '../../../../web/src/lib/newer-execution.ts';

const at = (...statuses: string[]): Execution => ({
  id: 'e1',
  action: { ref: 'core.local' },
  status: statuses.at(-1) ?? 'requested',
  start_timestamp: '2026-12-01T10:00:00.000Z',
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
});
