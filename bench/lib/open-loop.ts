/**
 * @module The open-loop runner: operations are issued at a fixed rate on a
 * schedule decided up front, whether or not earlier ones have answered, and each
 * latency runs from the operation's scheduled send time. A stall therefore shows
 * up in every operation that should have been sent during it, instead of
 * silently delaying the senders (coordinated omission). If the generator itself
 * falls behind, its lag counts against the system too, and is reported apart.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHistogram, toMeasurement, type LatencySummary } from './histogram.js';
import type { Measurement } from './types.js';

export interface OpenLoopOptions {
  name: string;
  unit: string;
  /** Operations per second. */
  rate: number;
  /** Measured time, after the warm-up (ms). */
  durationMs: number;
  /** Unrecorded schedule first (ms). */
  warmupMs?: number;
  /**
   * One operation. `scheduledAt` is its intended send time on the
   * performance.now() clock and `measured` is false during the warm-up, for
   * operations that record finer latencies of their own.
   */
  op(index: number, scheduledAt: number, measured: boolean): Promise<void>;
  /**
   * Operations allowed in flight at once; past it, scheduled operations are
   * dropped and counted as errors (the run has failed by then anyway), which
   * bounds how long an overloaded run takes. Default: one second's worth.
   */
  maxInFlight?: number;
  /** How long to wait for stragglers after the last send (ms; default 5 s). */
  drainTimeoutMs?: number;
}

export interface OpenLoopMeasurement extends Measurement {
  /** How late the generator sent, behind schedule: its own overload, not the server's. */
  sendLag: LatencySummary;
  dropped: number;
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopMeasurement> {
  const latency = createHistogram(64 * 1024);
  const lag = createHistogram(64 * 1024);
  const intervalMs = 1000 / options.rate;
  const warmupMs = options.warmupMs ?? 0;
  const total = Math.round(((warmupMs + options.durationMs) * options.rate) / 1000);
  const maxInFlight = options.maxInFlight ?? Math.max(64, options.rate);
  const start = performance.now() + 1;
  const measureFrom = start + warmupMs;
  let inFlight = 0;
  let errors = 0;
  let dropped = 0;
  let firstError: string | undefined;
  let drained: (() => void) | undefined;

  const issue = (index: number, scheduledAt: number): void => {
    const recorded = scheduledAt >= measureFrom;
    if (inFlight >= maxInFlight) {
      if (recorded) dropped++;
      return;
    }
    if (recorded) lag.record(performance.now() - scheduledAt);
    inFlight++;
    options.op(index, scheduledAt, recorded).then(
      () => {
        if (recorded) latency.record(performance.now() - scheduledAt);
      },
      (error: unknown) => {
        if (recorded) errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      },
    ).finally(() => {
      inFlight--;
      if (inFlight === 0) drained?.();
    });
  };

  let next = 0;
  while (next < total) {
    const now = performance.now();
    // Send everything that is due; when late, catch up at once rather than shift the schedule.
    while (next < total && start + next * intervalMs <= now) {
      issue(next, start + next * intervalMs);
      next++;
    }
    if (next < total) await sleep(Math.max(0, start + next * intervalMs - performance.now()));
  }
  const lastSend = start + (total - 1) * intervalMs;
  if (inFlight > 0) {
    const timeout = new AbortController();
    await Promise.race([
      new Promise<void>((resolve) => (drained = resolve)),
      sleep(options.drainTimeoutMs ?? 5000, undefined, { signal: timeout.signal }).catch(() => undefined),
    ]);
    timeout.abort();
  }
  // Throughput over the schedule plus the tail of the last answers: equals the rate when the system keeps up.
  const durationMs = Math.max(performance.now(), lastSend) - measureFrom;
  const neverAnswered = inFlight;
  const failures = errors + dropped + neverAnswered;
  const why = dropped > 0 ? `${dropped} operations dropped past ${maxInFlight} in flight` : neverAnswered > 0 ? `${neverAnswered} operations never answered` : undefined;
  return {
    ...toMeasurement(latency, { name: options.name, unit: options.unit, concurrency: null, rate: options.rate, durationMs, errors: failures, firstError: firstError ?? why }),
    sendLag: lag.summary(),
    dropped,
  };
}
