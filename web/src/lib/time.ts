const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** `3 minutes ago`, `in 2 hours`, `now`: an ISO time relative to `now`, for lists. */
export function relativeTime(iso: string, now: number = Date.now(), locale = 'en'): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const diff = t - now;
  const fmt = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === 'second') {
      const n = Math.round(diff / ms);
      if (unit === 'second' && Math.abs(n) < 5) return 'just now';
      return fmt.format(n, unit);
    }
  }
  return '';
}
