/**
 * @module The benchmark contract: a suite runs with a context (quick mode, temp
 * directories, cleanup, progress log) and returns measurements and checks that
 * main.ts prints as a table and as JSON.
 */

/** One measured run: throughput and the latency distribution of its operations. */
export interface Measurement {
  /** Short label, unique within the suite, e.g. 'lock pair, 64 callers'. */
  name: string;
  /** What one operation is, e.g. 'pair' (acquire+release) or 'request'. */
  unit: string;
  /** Concurrent callers (closed loop) or null for an open-loop run. */
  concurrency: number | null;
  /** Target rate in operations per second for an open-loop run, else null. */
  rate: number | null;
  ops: number;
  errors: number;
  /** First error message, to tell a broken harness from a slow server. */
  firstError?: string | undefined;
  durationMs: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** What else was measured in the same run and belongs beside the figure (e.g. disk flush latency). */
  detail?: string | undefined;
  /** CPU per operation over the run (warm-up included), when measured. */
  cpu?: CpuPerOp | undefined;
}

/** CPU per operation in µs: this process's, and where measured an HTTP server's in another process and the database server's. */
export interface CpuPerOp {
  here: number;
  httpServer?: number | undefined;
  server?: number | undefined;
  /** Process name of the database server. */
  serverName?: string | undefined;
  /** Cores of the machine busy on average over the run, whoever used them (this bench, or anything else). */
  machineBusyCores?: number | undefined;
  /** Operations and wall time the figures above cover (the whole run, warm-up included). */
  ops: number;
  wallMs: number;
}

/** A figure compared against a target; failing checks are reported, never thrown. */
export interface Check {
  name: string;
  value: number;
  op: '>=' | '>' | '<=' | '<';
  target: number;
  /** Unit of value and target, e.g. 'x' for a ratio or 'ms'. */
  unit: string;
  pass: boolean;
  /** The figures a ratio is made of (e.g. '2,612 / 3,140 pairs/s'), or what the check compares. */
  detail?: string | undefined;
}

export interface SuiteResult {
  measurements: Measurement[];
  checks: Check[];
  /** Anything a reader needs to interpret the figures (e.g. tasks ran out). */
  notes?: string[];
}

export interface BenchContext {
  /** Shorter runs for a CI smoke test. */
  readonly quick: boolean;
  /** Picks a run length: `full` normally, `quick` under --quick (ms). */
  duration(fullMs: number, quickMs: number): number;
  /** A fresh temporary directory, removed after the suite. */
  tempDir(label: string): string;
  /** Registers cleanup run after the suite, last registered first, even when it fails. */
  defer(cleanup: () => unknown): void;
  /** Progress line on stderr (stdout carries the results). */
  log(message: string): void;
}

export interface BenchSuite {
  /** Name used by --only and in the report, e.g. 'hub-sqlite'. */
  name: string;
  /** One line: what is measured against what. */
  description?: string;
  run(ctx: BenchContext): Promise<SuiteResult>;
}
