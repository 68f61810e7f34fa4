import { describe, expect, it } from 'vitest';
import {
  executionsPath,
  filtersFromSearch,
  filtersToSearch,
  isFinished,
  localToIso,
  matchesFilters,
} from '../../../../web/src/lib/history-filters.ts';

describe('history filters', () => {
  it('round-trips through the URL, dropping empty values and a parent without the children scope', () => {
    const f = filtersFromSearch(new URLSearchParams('status=failed&action=core.local&user=&after=2026-12-01T09:30'));
    expect(f).toEqual({ status: 'failed', action: 'core.local', after: '2026-12-01T09:30' });
    expect(filtersToSearch(f).toString()).toBe('status=failed&action=core.local&after=2026-12-01T09%3A30');
    expect(filtersFromSearch(new URLSearchParams('parent=abc'))).toEqual({ parent: 'abc', scope: 'children' });
    expect(filtersFromSearch(new URLSearchParams('scope=children'))).toEqual({});
    expect(filtersFromSearch(new URLSearchParams('scope=bogus'))).toEqual({});
    expect(filtersToSearch({ scope: 'top', parent: 'abc' }).toString()).toBe('scope=top');
  });

  it('builds the API query: StackStorm filter names, the time range as ISO, top-level as parent=null', () => {
    const after = '2026-12-01T09:30';
    const path = executionsPath({ status: 'running', user: 'ann', after, scope: 'top' }, 100, 50);
    const q = new URL(path, 'http://x').searchParams;
    expect(new URL(path, 'http://x').pathname).toBe('/api/v1/executions');
    expect(q.get('limit')).toBe('50');
    expect(q.get('offset')).toBe('100');
    expect(q.get('status')).toBe('running');
    expect(q.get('user')).toBe('ann');
    expect(q.get('timestamp_gt')).toBe(new Date(after).toISOString());
    expect(q.get('parent')).toBe('null');
    expect(q.get('exclude_attributes')).toContain('result');
    const children = new URL(executionsPath({ scope: 'children', parent: 'p1' }, 0, 10), 'http://x').searchParams;
    expect(children.get('parent')).toBe('p1');
  });

  it('decides whether a live execution belongs in the filtered view', () => {
    const e = {
      status: 'running',
      action: { ref: 'core.local' },
      context: { user: 'ann' },
      start_timestamp: '2026-12-01T10:00:00.000Z',
    };
    expect(matchesFilters(e, {})).toBe(true);
    expect(matchesFilters(e, { status: 'failed' })).toBe(false);
    expect(matchesFilters(e, { action: 'core.local', user: 'ann' })).toBe(true);
    expect(matchesFilters(e, { user: 'bob' })).toBe(false);
    expect(matchesFilters(e, { after: localToIso('2026-12-01T09:00:00Z') })).toBe(true);
    expect(matchesFilters(e, { before: '2026-12-01T09:00:00Z' })).toBe(false);
    expect(matchesFilters({ ...e, parent: 'p' }, { scope: 'top' })).toBe(false);
    expect(matchesFilters({ ...e, parent: 'p' }, { scope: 'children', parent: 'p' })).toBe(true);
    expect(matchesFilters(e, { scope: 'children', parent: 'p' })).toBe(false);
  });

  it('knows the terminal statuses', () => {
    expect(['succeeded', 'failed', 'timeout', 'canceled', 'abandoned'].every(isFinished)).toBe(true);
    expect(['requested', 'running', 'canceling', 'paused'].some(isFinished)).toBe(false);
    expect(localToIso('not a time')).toBeUndefined();
  });
});
