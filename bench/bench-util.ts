import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Metric {
  metric: string;
  value: number;
  unit: string;
}

export function print(m: Metric): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** `<prefix>_p50_ms` and `<prefix>_p99_ms` of latency samples in milliseconds (sorted in place). */
export function latencyMetrics(prefix: string, samples: number[], digits = 2): Metric[] {
  samples.sort((a, b) => a - b);
  return [50, 99].map((p) => ({
    metric: `${prefix}_p${p}_ms`,
    value: round(percentile(samples, p), digits),
    unit: 'ms',
  }));
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
