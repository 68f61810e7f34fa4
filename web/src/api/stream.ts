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
