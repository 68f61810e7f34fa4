/** A spinner on stderr while the CLI waits; a no-op unless stderr is a terminal. */
export interface Spinner {
  stop(): void;
}

export async function startSpinner(text: string, stream: NodeJS.WriteStream = process.stderr): Promise<Spinner> {
  // A terminal that reports no width (some pseudo-terminals) makes ora redraw endlessly: skip it there.
  if (!stream.isTTY || !(stream.columns > 0)) return { stop() {} };
  // Loaded only when a terminal will show it, to keep non-interactive runs light.
  const { default: ora } = await import('ora');
  const s = ora({ text, stream }).start();
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      s.stop();
    },
  };
}
