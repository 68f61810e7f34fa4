/** Why a run was stopped early. Anything but an explicit `'timeout'` reason counts as a cancel. */
export type StopKind = 'timeout' | 'cancel';

export function stopKind(signal: AbortSignal): StopKind {
  return signal.reason === 'timeout' ? 'timeout' : 'cancel';
}

export interface ArmedSignal {
  /** Aborts when the caller's signal aborts (same reason) or when `seconds` pass (reason `'timeout'`). */
  readonly signal: AbortSignal;
  /** Seconds of the timer that fired, or undefined if the caller's signal stopped the run. */
  readonly firedAfterS: () => number | undefined;
  /** Clears the timer and the listener; call once the run is over. */
  dispose(): void;
}

/**
 * Adds the runner's own timer to the caller's signal. The scheduler aborts with `'timeout'` itself;
 * the runner's timer is a second line, so a runner used on its own (CLI, tests, workflows) still
 * honours its timeout. Non-positive seconds arm no timer.
 */
export function armTimeout(parent: AbortSignal, seconds: number): ArmedSignal {
  const ctl = new AbortController();
  let fired = false;
  const forward = (): void => ctl.abort(parent.reason);
  if (parent.aborted) ctl.abort(parent.reason);
  else parent.addEventListener('abort', forward, { once: true });
  const timer =
    seconds > 0 && !ctl.signal.aborted
      ? setTimeout(() => {
          fired = true;
          ctl.abort('timeout');
        }, seconds * 1000)
      : undefined;
  return {
    signal: ctl.signal,
    firedAfterS: () => (fired ? seconds : undefined),
    dispose() {
      if (timer) clearTimeout(timer);
      parent.removeEventListener('abort', forward);
    },
  };
}

/** StackStorm's message for a run that hit its timeout. */
export function timeoutMessage(seconds: number): string {
  return `Action failed to complete in ${seconds} seconds`;
}

export const CANCELED_MESSAGE = 'Execution canceled.';
