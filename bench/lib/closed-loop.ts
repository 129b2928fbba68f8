/**
 * @module The closed-loop runner: N workers each issue the next operation as soon
 * as the previous one answers, for a fixed time. It measures the most the system
 * under test sustains at that concurrency; latencies include the queueing the
 * workers cause among themselves, and nothing else (see open-loop.ts for that).
 */
import { performance } from 'node:perf_hooks';
import { startCpuMeter, type CpuTargets } from './cpu.js';
import { createHistogram, toMeasurement } from './histogram.js';
import type { Measurement } from './types.js';

export interface ClosedLoopOptions {
  name: string;
  unit: string;
  workers: number;
  /** Measured time, after the warm-up (ms). */
  durationMs: number;
  /** Unrecorded time first, so JIT, caches and pools settle (ms). */
  warmupMs?: number;
  /**
   * One operation of one worker; `iteration` counts that worker's calls from 0.
   * A rejection counts as an error and the worker goes on. Resolving `false`
   * means there was no work left (e.g. pre-loaded tasks ran out): that call is
   * not recorded and the worker stops.
   */
  op(worker: number, iteration: number): Promise<unknown>;
  /**
   * Also measures CPU per operation over the whole run (warm-up included): this
   * process's and these other processes' (none: this process only).
   */
  cpu?: CpuTargets | undefined;
}

/** Runs the workers; operations that start during the warm-up are not recorded. */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<Measurement> {
  const histogram = createHistogram(64 * 1024);
  const warmupMs = options.warmupMs ?? 0;
  const begin = performance.now();
  const measureFrom = begin + warmupMs;
  const end = measureFrom + options.durationMs;
  let errors = 0;
  let firstError: string | undefined;
  let lastFinish = measureFrom;
  let done = 0;
  const cpu = options.cpu ? startCpuMeter(options.cpu) : undefined;

  async function worker(index: number): Promise<void> {
    for (let iteration = 0; ; iteration++) {
      const started = performance.now();
      if (started >= end) return;
      try {
        if ((await options.op(index, iteration)) === false) return;
        done++;
        const finished = performance.now();
        if (started >= measureFrom) {
          histogram.record(finished - started);
          lastFinish = Math.max(lastFinish, finished);
        }
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  }

  await Promise.all(Array.from({ length: options.workers }, (_, i) => worker(i)));
  // Operations started before `end` may finish after it; they count, over the time they took.
  const elapsed = Math.max(lastFinish, Math.min(performance.now(), end)) - measureFrom;
  if (histogram.count === 0 && firstError === undefined) firstError = 'no operation started and finished within the measured window: each took longer than the run';
  const measured = toMeasurement(histogram, { name: options.name, unit: options.unit, concurrency: options.workers, rate: null, durationMs: elapsed, errors, firstError });
  return cpu ? { ...measured, cpu: cpu.perOp(done) } : measured;
}
