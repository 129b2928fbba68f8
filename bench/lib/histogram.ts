/**
 * @module Latency recording: every sample is kept (a run yields at most a few
 * hundred thousand), so percentiles are exact rather than bucketed.
 */
import type { Measurement } from './types.js';

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
  /** The q-quantile (0..1) by nearest rank; NaN when empty, so no check passes on no data. */
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
      if (count === 0) return Number.NaN;
      const rank = Math.min(count, Math.max(1, Math.ceil(q * count)));
      return ordered()[rank - 1] ?? 0;
    },
    summary() {
      return {
        count,
        p50Ms: histogram.percentile(0.5),
        p99Ms: histogram.percentile(0.99),
        maxMs: count === 0 ? Number.NaN : (ordered()[count - 1] ?? 0),
        meanMs: count === 0 ? Number.NaN : sum / count,
      };
    },
  };
  return histogram;
}

/** A Measurement from recorded latencies over `durationMs` of measured time. */
export function toMeasurement(
  histogram: Histogram,
  meta: { name: string; unit: string; concurrency: number | null; rate: number | null; durationMs: number; errors?: number; firstError?: string | undefined },
): Measurement {
  const latency = histogram.summary();
  return {
    name: meta.name,
    unit: meta.unit,
    concurrency: meta.concurrency,
    rate: meta.rate,
    ops: latency.count,
    errors: meta.errors ?? 0,
    firstError: meta.firstError,
    durationMs: meta.durationMs,
    opsPerSec: meta.durationMs > 0 ? (latency.count * 1000) / meta.durationMs : 0,
    // With no sample these are NaN: printed as '-' and serialised as null, never a flattering 0.
    p50Ms: latency.p50Ms,
    p99Ms: latency.p99Ms,
    maxMs: latency.maxMs,
    meanMs: latency.meanMs,
  };
}
