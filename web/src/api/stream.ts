import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

/**
 * Listens to Squall's event stream (`/api/v1/stream`, authenticated by the session cookie) for the
 * given events, filtered by execution ids when given. EventSource reconnects on its own and resumes
 * with Last-Event-ID, so nothing is missed across a blip.
 */
export function useStream(
  events: string[],
  onEvent: (event: string, data: unknown) => void,
  opts: { executionIds?: string[]; enabled?: boolean; onOpen?: () => void } = {},
): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const opened = useRef(opts.onOpen);
  opened.current = opts.onOpen;
  const key = events.join(',');
  const ids = (opts.executionIds ?? []).join(',');
  const enabled = opts.enabled ?? true;
  useEffect(() => {
    if (!enabled) return;
    const q = new URLSearchParams({ events: key });
    if (ids) q.set('execution_ids', ids);
    const source = new EventSource(`/api/v1/stream?${q}`);
    const listener = (e: MessageEvent<string>) => {
      try {
        handler.current(e.type, JSON.parse(e.data));
      } catch {
        // A frame that is not JSON is not one of ours; ignore it.
      }
    };
    const names = key.split(',');
    for (const n of names) source.addEventListener(n, listener);
    source.addEventListener('open', () => opened.current?.());
    return () => {
      for (const n of names) source.removeEventListener(n, listener);
      source.close();
    };
  }, [key, ids, enabled]);
}

/**
 * Reads a query again once its stream is open: what changed before the stream opened is not on it.
 * A read already in flight may have been answered before the open, so it is left to finish (first
 * rows stay fast) and followed by one more.
 */
export function rereadAfterOpen(queries: QueryClient, queryKey: QueryKey): void {
  const again = () => queries.invalidateQueries({ queryKey }, { cancelRefetch: false });
  void (queries.isFetching({ queryKey }) > 0 ? again().then(again) : again());
}
