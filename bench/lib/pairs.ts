/**
 * @module Lock acquire+release and task claim+complete pairs against a surface
 * (the hub in process, or a server over REST), as the store suites and the scale
 * suite run them: closed loops after a warm-up, a task pool topped up to last
 * each run, CPU per pair, and an optional probe around each recorded run (on
 * PostgreSQL: disk flush latency and WAL syncs per commit). A claim carries a
 * request_id, as an agent that retries safely sends it, so every pair also writes
 * one request record (the engines' baselines write one too); completions do not.
 */
import { performance } from 'node:perf_hooks';
import type { Hub } from '../../src/hub/hub.js';
import type { Store } from '../../src/store/store.js';
import { runClosedLoop } from './closed-loop.js';
import type { CpuTargets } from './cpu.js';
import type { RestClient } from './rest-client.js';
import type { BenchContext, Measurement } from './types.js';

const BATCH = 500;

/** Run lengths, from the context's quick flag. */
export interface StoreTiming {
  durationMs: number;
  warmupMs: number;
  /** Short unrecorded task run that sizes the task pool of the measured one. */
  calibrateMs: number;
  wakeups: number;
}

/**
 * `quickMs` lengthens the quick runs of an engine whose 64 callers move in
 * lockstep batches: a run shorter than a few batches records almost nothing.
 */
export function storeTiming(ctx: BenchContext, quickMs = 600): StoreTiming {
  return { durationMs: ctx.duration(3000, quickMs), warmupMs: ctx.duration(300, quickMs / 4), calibrateMs: ctx.duration(500, quickMs / 3), wakeups: ctx.duration(150, 20) };
}

/** What one surface (the hub in process, or a server over HTTP) offers a run. */
export interface Surface {
  label: string;
  lockPair(worker: number): Promise<void>;
  /** Claims the best ready task and completes it; false when none was ready. */
  taskPair(worker: number): Promise<boolean>;
  addTasks(count: number): Promise<void>;
  poke: Poke;
}

/**
 * Sends `count` concurrent single-statement reads through the store's connections
 * (so each of them, up to `count`, answers one) and resolves how many were sent.
 */
export type Poke = (count: number) => Promise<number>;

/** Measured around each recorded run; what it finds goes into the measurement's `detail`. */
export interface RunProbe {
  around(poke: Poke, run: () => Promise<Measurement>): Promise<Measurement>;
}

export interface PairOptions {
  timing: StoreTiming;
  /** Other processes whose CPU per pair is measured: the database server (none: it runs in this process), the HTTP server. */
  cpu?: CpuTargets | undefined;
  probe?: RunProbe | undefined;
}

/** What the CPU column of these runs counts. */
export const CPU_NOTE =
  "CPU µs/op: this process (in process: hub + store client + load generator; HTTP: the load generator only), then the HTTP server's process (Baton's, for HTTP runs) and the database server (all its clients), both in 10 ms ticks; warm-up included";

export const agentOf = (worker: number): string => `agent-${worker}`;
const batchOf = (from: number, count: number): { tasks: { title: string }[] } => ({ tasks: Array.from({ length: count }, (_, i) => ({ title: `Bench task ${from + i}` })) });

async function inBatches(count: number, add: (from: number, size: number) => Promise<unknown>): Promise<void> {
  for (let from = 0; from < count; from += BATCH) await add(from, Math.min(BATCH, count - from));
}

/** Request ids unique within a run: per worker, numbered. */
function requestIds(): (worker: number) => string {
  const next = new Map<number, number>();
  return (worker) => {
    const n = (next.get(worker) ?? 0) + 1;
    next.set(worker, n);
    return `claim-${worker}-${n}`;
  };
}

function claimOutcome(claimed: Record<string, unknown>): { id: string; token: unknown } | null {
  if (claimed['claimed'] === true) return { id: (claimed['task'] as { id: string }).id, token: claimed['token'] };
  if (claimed['reason'] === 'none_ready') return null;
  throw new Error(`claim failed: ${JSON.stringify(claimed).slice(0, 200)}`);
}

/** The hub in this process; its agents are `agent-<worker>` of `project`. */
export function hubSurface(hub: Hub, store: Store, project: string, label = 'in process'): Surface {
  const caller = (worker: number): { project: string; agentId: string } => ({ project, agentId: agentOf(worker) });
  const requestId = requestIds();
  return {
    label,
    async lockPair(worker) {
      const name = `bench-${worker}`;
      const acquired = await hub.execute('acquire_lock', { name }, caller(worker));
      if (acquired['acquired'] !== true) throw new Error(`lock ${name} not acquired: ${JSON.stringify(acquired).slice(0, 200)}`);
      await hub.execute('release_lock', { name, token: acquired['token'] }, caller(worker));
    },
    async taskPair(worker) {
      const claimed = claimOutcome(await hub.execute('claim_task', { request_id: requestId(worker) }, caller(worker)));
      if (!claimed) return false;
      await hub.execute('update_task', { task_id: claimed.id, token: claimed.token, status: 'done' }, caller(worker));
      return true;
    },
    addTasks: (count) => inBatches(count, (from, size) => hub.execute('add_task', batchOf(from, size), caller(0))),
    async poke(count) {
      await Promise.all(Array.from({ length: count }, () => store.getTask(project, 'bench-probe')));
      return count;
    },
  };
}

/** A server over REST; its agents are `agent-<worker>` of the client's project. */
export function restSurface(client: RestClient): Surface {
  const requestId = requestIds();
  return {
    label: 'HTTP',
    async lockPair(worker) {
      const name = `bench-${worker}`;
      const agent = agentOf(worker);
      const acquired = await client.call('POST', `/api/v1/locks/${name}/acquire`, { agent, body: {} });
      if (acquired['acquired'] !== true) throw new Error(`lock ${name} not acquired: ${JSON.stringify(acquired).slice(0, 200)}`);
      await client.call('POST', `/api/v1/locks/${name}/release`, { agent, body: { token: acquired['token'] } });
    },
    async taskPair(worker) {
      const agent = agentOf(worker);
      const claimed = claimOutcome(await client.call('POST', '/api/v1/tasks/claim', { agent, body: { request_id: requestId(worker) } }));
      if (!claimed) return false;
      await client.call('POST', `/api/v1/tasks/${claimed.id}/update`, { agent, body: { token: claimed.token, status: 'done' } });
      return true;
    },
    addTasks: (count) => inBatches(count, (from, size) => client.call('POST', '/api/v1/tasks', { agent: agentOf(0), body: batchOf(from, size) })),
    async poke(count) {
      // get_task of a task that does not exist: one statement, answered 404.
      await Promise.all(Array.from({ length: count }, () => client.call('GET', '/api/v1/tasks/bench-probe').catch(() => undefined)));
      return count;
    },
  };
}

const callers = (workers: number): string => `${workers} caller${workers > 1 ? 's' : ''}`;

/** Lock pairs at one concurrency, worker w on its own lock `bench-w` (no contention, so they batch). */
export async function measureLockPairs(surface: Surface, workers: number, options: PairOptions): Promise<Measurement> {
  const run = (): Promise<Measurement> =>
    runClosedLoop({
      name: `${surface.label} lock pair, ${callers(workers)}`,
      unit: 'pair',
      workers,
      durationMs: options.timing.durationMs,
      warmupMs: options.timing.warmupMs,
      cpu: options.cpu ?? {},
      op: (w) => surface.lockPair(w),
    });
  return options.probe ? options.probe.around(surface.poke, run) : run();
}

/** Ready tasks of a surface's project, carried from one run to the next. */
export interface TaskPool {
  ready: number;
  drained: boolean;
  done: number;
}

export const emptyPool = (): TaskPool => ({ ready: 0, drained: false, done: 0 });

/** Margin of the pool over the calibrated rate: the calibration runs cold, and a drained run is shorter. */
const POOL_MARGIN = 1.75;

/**
 * Task pairs at one concurrency. A short unrecorded run first warms up and sizes
 * the pool, which is then topped up to last the measured run with a margin: seeding
 * costs more than the run it feeds, so the pool is no larger than needed.
 */
export async function measureTaskPairs(ctx: BenchContext, surface: Surface, pool: TaskPool, workers: number, expectedRate: number, options: PairOptions, notes: string[]): Promise<Measurement> {
  const { timing } = options;
  pool.drained = false;
  // A function, so the check after a run is not narrowed by the reset before it.
  const drained = (): boolean => pool.drained;
  const seed = async (count: number): Promise<void> => {
    if (count <= 0) return;
    const started = performance.now();
    await surface.addTasks(count);
    pool.ready += count;
    ctx.log(`  seeded ${count} tasks in ${Math.round(performance.now() - started)} ms`);
  };
  const op = async (worker: number): Promise<boolean> => {
    if (pool.drained) return false;
    if (!(await surface.taskPair(worker))) {
      pool.drained = true;
      return false;
    }
    pool.ready--;
    pool.done++;
    return true;
  };
  const name = `${surface.label} task pair, ${callers(workers)}`;
  await seed(Math.ceil((expectedRate * timing.calibrateMs) / 1000) - pool.ready);
  const calibration = await runClosedLoop({ name, unit: 'pair', workers, durationMs: timing.calibrateMs, op });
  pool.drained = false;
  const rate = Math.max(calibration.opsPerSec, 1);
  await seed(Math.ceil((rate * POOL_MARGIN * (timing.warmupMs + timing.durationMs)) / 1000) - pool.ready);

  const run = (): Promise<Measurement> => runClosedLoop({ name, unit: 'pair', workers, durationMs: timing.durationMs, warmupMs: timing.warmupMs, cpu: options.cpu ?? {}, op });
  const measured = await (options.probe ? options.probe.around(surface.poke, run) : run());
  if (drained()) notes.push(`${name}: the task pool ran out after ${Math.round(measured.durationMs)} ms of the ${timing.durationMs} ms run (it was sized from a ${Math.round(rate)} pairs/s calibration); the rate is over that shorter time`);
  return measured;
}
