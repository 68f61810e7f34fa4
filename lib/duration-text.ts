const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A duration as people read it: `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min 07 s`. The unit is
 * chosen after rounding, so 59.96 s reads `1 min 00 s` and 119.6 s `2 min 00 s` (never `60.0 s` or
 * `1 min 60 s`). A negative or unknown duration is the empty string.
 */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const whole = Math.round(ms);
  if (whole < 1000) return `${whole} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${pad(Math.floor(s / 60) % 60)} min ${pad(s % 60)} s`;
}
