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

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * A duration as people write it in a config file: a number of seconds (`90`), or amounts with units
 * (`500ms`, `45s`, `10m`, `12h`, `30d`, `2w`, `1h30m`). Returns milliseconds, or `undefined` for
 * anything else (a negative number, an unknown unit, an empty string).
 */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const text = value.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const part = /(\d+(?:\.\d+)?)\s*(ms|min|s|m|h|d|w)/gy;
  let total = 0;
  let end = 0;
  for (let m = part.exec(text); m !== null; m = part.exec(text)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
    end = part.lastIndex;
    while (text[end] === ' ') end++;
    part.lastIndex = end;
  }
  return end === text.length && end > 0 && Number.isFinite(total) ? total : undefined;
}
