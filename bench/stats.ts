/** Timing helpers: a busy machine makes single runs noisy, so every time is a median of several. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `work` `warmup` times unmeasured, then `runs` times; the median wall time in ms and the last result. */
export function timed<T>(work: () => T, runs: number, warmup = 0): { ms: number; runsMs: number[]; result: T } {
  for (let i = 0; i < warmup; i++) work();
  const runsMs: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = work();
    runsMs.push(performance.now() - start);
  }
  return { ms: median(runsMs), runsMs, result: result as T };
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
