/**
 * @module Latency recording: every sample is kept (a run yields at most a few
 * hundred thousand), so percentiles are exact rather than bucketed.
 */

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface Histogram {
  /** Records one latency in milliseconds. */
  record(ms: number): void;
  readonly count: number;
  /** The q-quantile (0..1) by nearest rank; 0 when empty. */
  percentile(q: number): number;
  summary(): LatencySummary;
}

export function createHistogram(initialCapacity = 1024): Histogram {
  let samples = new Float64Array(initialCapacity);
  let count = 0;
  let sum = 0;
  let sorted: Float64Array | undefined;

  const ordered = (): Float64Array => {
    sorted ??= samples.slice(0, count).sort();
    return sorted;
  };

  const histogram: Histogram = {
    record(ms) {
      if (count === samples.length) {
        const grown = new Float64Array(samples.length * 2);
        grown.set(samples);
        samples = grown;
      }
      samples[count++] = ms;
      sum += ms;
      sorted = undefined;
    },
    get count() {
      return count;
    },
    percentile(q) {
      if (count === 0) return 0;
      const rank = Math.min(count, Math.max(1, Math.ceil(q * count)));
      return ordered()[rank - 1] ?? 0;
    },
    summary() {
      return {
        count,
        p50Ms: histogram.percentile(0.5),
        p99Ms: histogram.percentile(0.99),
        maxMs: count === 0 ? 0 : (ordered()[count - 1] ?? 0),
        meanMs: count === 0 ? 0 : sum / count,
      };
    },
  };
  return histogram;
}
