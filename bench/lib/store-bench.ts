/**
 * @module The shared body of the multi-process store suites (`stores-redis`,
 * `stores-postgres`): a throwaway namespace (Redis key prefix or PostgreSQL
 * schema) per run, lock and task pairs in process and over HTTP, and cross-process
 * wake-up latency between two coordinators on one namespace. A suite supplies the
 * engine (how to open, seed and drop a namespace) and its targets.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createHub, type Hub } from '../../src/hub/hub.js';
import type { EventBus } from '../../src/bus/event-bus.js';
import type { Store } from '../../src/store/store.js';
import { spawnServer } from './child-server.js';
import { runClosedLoop } from './closed-loop.js';
import { createHistogram, toMeasurement } from './histogram.js';
import { createRestClient, type RestClient } from './rest-client.js';
import type { BenchContext, Measurement } from './types.js';

const MANY = 64;
const BATCH = 500;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');

export interface OpenedStore {
  store: Store;
  bus: EventBus;
  close(): Promise<void>;
}

export interface StoreEngine {
  kind: 'redis' | 'postgres';
  url: string;
  /** Process name of the database server (`comm` in /proc), for its CPU time. */
  serverProcess: string;
  /** The store and its cross-process event bus over `namespace`. */
  open(namespace: string): Promise<OpenedStore>;
  /** Deletes everything under `namespace`. */
  drop(namespace: string): Promise<void>;
  /**
   * Writes `count` ready tasks straight into the engine, when add_task is too slow
   * to feed a run; without it, tasks are added with add_task in batches of 500.
   */
  seedTasks?(namespace: string, project: string, count: number): Promise<void>;
}

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

/** A fresh namespace (`bench_<kind>_<hex>`, valid as key prefix and schema), dropped after the suite. */
export function claimNamespace(ctx: BenchContext, engine: StoreEngine): string {
  const namespace = `bench_${engine.kind === 'redis' ? 'redis' : 'pg'}_${randomBytes(5).toString('hex')}`;
  ctx.defer(() => engine.drop(namespace));
  return namespace;
}

/** Runs a benchmark tool of the engine (redis-benchmark, pgbench); null when it is not installed. */
export async function runTool(command: string, args: string[], timeoutMs = 60_000): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)(command, args, { timeout: timeoutMs });
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** What one surface (the hub in process, or a server over HTTP) offers a run. */
interface Surface {
  label: string;
  lockPair(worker: number): Promise<void>;
  /** Claims the best ready task and completes it; false when none was ready. */
  taskPair(worker: number): Promise<boolean>;
  addTasks(count: number): Promise<void>;
}

const agentOf = (worker: number): string => `agent-${worker}`;
const batchOf = (from: number, count: number): { tasks: { title: string }[] } => ({ tasks: Array.from({ length: count }, (_, i) => ({ title: `Bench task ${from + i}` })) });

async function inBatches(count: number, add: (from: number, size: number) => Promise<unknown>): Promise<void> {
  for (let from = 0; from < count; from += BATCH) await add(from, Math.min(BATCH, count - from));
}

function hubSurface(hub: Hub, project: string, seed: (count: number) => Promise<void> | undefined): Surface {
  const caller = (worker: number): { project: string; agentId: string } => ({ project, agentId: agentOf(worker) });
  return {
    label: 'in process',
    async lockPair(worker) {
      const name = `bench-${worker}`;
      const acquired = await hub.execute('acquire_lock', { name }, caller(worker));
      if (acquired['acquired'] !== true) throw new Error(`lock ${name} not acquired: ${JSON.stringify(acquired).slice(0, 200)}`);
      await hub.execute('release_lock', { name, token: acquired['token'] }, caller(worker));
    },
    async taskPair(worker) {
      const claimed = await hub.execute('claim_task', {}, caller(worker));
      if (claimed['claimed'] !== true) {
        if (claimed['reason'] === 'none_ready') return false;
        throw new Error(`claim failed: ${JSON.stringify(claimed).slice(0, 200)}`);
      }
      const task = claimed['task'] as { id: string };
      await hub.execute('update_task', { task_id: task.id, token: claimed['token'], status: 'done' }, caller(worker));
      return true;
    },
    addTasks: (count) => seed(count) ?? inBatches(count, (from, size) => hub.execute('add_task', batchOf(from, size), caller(0))),
  };
}

function restSurface(client: RestClient, seed: (count: number) => Promise<void> | undefined): Surface {
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
      const claimed = await client.call('POST', '/api/v1/tasks/claim', { agent, body: {} });
      if (claimed['claimed'] !== true) {
        if (claimed['reason'] === 'none_ready') return false;
        throw new Error(`claim failed: ${JSON.stringify(claimed).slice(0, 200)}`);
      }
      const task = claimed['task'] as { id: string };
      await client.call('POST', `/api/v1/tasks/${task.id}/update`, { agent, body: { token: claimed['token'], status: 'done' } });
      return true;
    },
    addTasks: (count) => seed(count) ?? inBatches(count, (from, size) => client.call('POST', '/api/v1/tasks', { agent: agentOf(0), body: batchOf(from, size) })),
  };
}

/** CPU time (ms) of every process named `command`, from /proc; undefined off Linux. */
function processCpuMs(command: string): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== command) continue;
      // After "pid (comm) ": state is field 3, utime 14 and stime 15 (proc(5)).
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process exited while we looked.
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux.
}

export interface SurfaceResult {
  measurements: Measurement[];
  notes: string[];
  /** Task pairs per second by number of callers. */
  taskPairs: Map<number, number>;
}

interface CpuProbe {
  engine: StoreEngine;
  /** Whether this process runs the hub (in process) or only the load generator (HTTP). */
  hubInThisProcess: boolean;
}

/** Ready tasks of a surface's project, carried from one run to the next. */
interface TaskPool {
  ready: number;
  drained: boolean;
  done: number;
}

/** Margin of the pool over the calibrated rate: the calibration runs cold, and a drained run is shorter. */
const POOL_MARGIN = 1.75;

/**
 * Task pairs at one concurrency. A short unrecorded run first warms up and sizes
 * the pool, which is then topped up to last the measured run with a margin: seeding
 * costs more than the run it feeds, so the pool is no larger than needed.
 */
async function measureTaskPairs(ctx: BenchContext, surface: Surface, pool: TaskPool, workers: number, timing: StoreTiming, expectedRate: number, cpu: CpuProbe, notes: string[]): Promise<Measurement> {
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
  const name = `${surface.label} task pair, ${workers} caller${workers > 1 ? 's' : ''}`;
  await seed(Math.ceil((expectedRate * timing.calibrateMs) / 1000) - pool.ready);
  const calibration = await runClosedLoop({ name, unit: 'pair', workers, durationMs: timing.calibrateMs, op });
  pool.drained = false;
  const rate = Math.max(calibration.opsPerSec, 1);
  await seed(Math.ceil((rate * POOL_MARGIN * (timing.warmupMs + timing.durationMs)) / 1000) - pool.ready);

  const cpuBefore = { self: process.cpuUsage(), server: processCpuMs(cpu.engine.serverProcess), done: pool.done };
  const measured = await runClosedLoop({ name, unit: 'pair', workers, durationMs: timing.durationMs, warmupMs: timing.warmupMs, op });
  const pairs = pool.done - cpuBefore.done;
  const selfUs = process.cpuUsage(cpuBefore.self);
  const serverMs = processCpuMs(cpu.engine.serverProcess);
  if (pairs > 0) {
    const here = `${Math.round((selfUs.user + selfUs.system) / pairs)} µs in this process (${cpu.hubInThisProcess ? 'hub + store client + load generator' : 'load generator only'})`;
    const server = serverMs !== undefined && cpuBefore.server !== undefined ? `, ${Math.round(((serverMs - cpuBefore.server) * 1000) / pairs)} µs in ${cpu.engine.serverProcess} (all its clients, 10 ms ticks)` : '';
    notes.push(`${name}: CPU per pair ${here}${server}`);
  }
  if (drained()) notes.push(`${name}: the task pool ran out after ${Math.round(measured.durationMs)} ms of the ${timing.durationMs} ms run (it was sized from a ${Math.round(rate)} pairs/s calibration); the rate is over that shorter time`);
  return measured;
}

async function measureSurface(ctx: BenchContext, surface: Surface, timing: StoreTiming, expectedRate: number, cpu: CpuProbe): Promise<SurfaceResult> {
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  const taskPairs = new Map<number, number>();
  const pool: TaskPool = { ready: 0, drained: false, done: 0 };
  const workerCounts = surface.label === 'HTTP' ? [MANY] : [1, MANY];
  // First touches (connection pools filling, agents and lock names first seen) stay out of every run, even a short one.
  await Promise.all(Array.from({ length: MANY }, (_, w) => surface.lockPair(w)));
  for (const workers of workerCounts) {
    ctx.log(`${surface.label} lock pairs, ${workers} caller(s)`);
    const loop = { unit: 'pair', workers, durationMs: timing.durationMs, warmupMs: timing.warmupMs };
    measurements.push(await runClosedLoop({ ...loop, name: `${surface.label} lock pair, ${workers} caller${workers > 1 ? 's' : ''}`, op: (w) => surface.lockPair(w) }));
  }
  for (const workers of workerCounts) {
    ctx.log(`${surface.label} task pairs, ${workers} caller(s)`);
    // One caller cannot go faster than its round trips; the pool is sized from a calibration run anyway.
    const m = await measureTaskPairs(ctx, surface, pool, workers, timing, workers === 1 ? expectedRate / 4 : expectedRate, cpu, notes);
    measurements.push(m);
    taskPairs.set(workers, m.opsPerSec);
  }
  return { measurements, notes, taskPairs };
}

/** The hub in this process over the engine's store and bus: lock and task pairs, 1 and 64 callers. */
export async function measureInProcess(ctx: BenchContext, engine: StoreEngine, namespace: string, timing: StoreTiming, expectedRate: number): Promise<SurfaceResult> {
  const project = 'inproc';
  const opened = await engine.open(namespace);
  const hub = createHub({ store: opened.store, bus: opened.bus });
  try {
    await Promise.all(Array.from({ length: MANY }, (_, i) => hub.execute('register_agent', {}, { project, agentId: agentOf(i) })));
    const surface = hubSurface(hub, project, (count) => engine.seedTasks?.(namespace, project, count));
    return await measureSurface(ctx, surface, timing, expectedRate, { engine, hubInThisProcess: true });
  } finally {
    await hub.close();
    await opened.close();
  }
}

/** The environment minus Baton's own variables, plus the store's. */
function serverEnv(namespace: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('BATON_')));
  return { ...env, BATON_STORE_NAMESPACE: namespace };
}

/** `baton start` on the engine and namespace, stopped after the suite; resolves its URL. */
export async function startStoreServer(ctx: BenchContext, engine: StoreEngine, namespace: string): Promise<string> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (\`npm run bench\` does).`);
  const args = [CLI, 'start', '--host', '127.0.0.1', '--port', '0', '--data-dir', ctx.tempDir(`${engine.kind}-server`), '--store', engine.kind, '--store-url', engine.url];
  const server = await spawnServer({ args, env: serverEnv(namespace), cwd: ROOT });
  ctx.defer(() => server.stop());
  return server.url;
}

/**
 * One server in its own process over HTTP, 64 connections: lock and task pairs.
 * The server keeps running (until the suite ends) and its URL comes back, so the
 * wake-up rounds can use it as one of their two coordinators.
 */
export async function measureHttp(ctx: BenchContext, engine: StoreEngine, namespace: string, timing: StoreTiming, expectedRate: number): Promise<SurfaceResult & { url: string }> {
  const project = 'http';
  ctx.log('starting the server');
  const url = await startStoreServer(ctx, engine, namespace);
  const client = createRestClient(url, { connections: MANY, project });
  try {
    await Promise.all(Array.from({ length: MANY }, (_, i) => client.call('POST', '/api/v1/agents', { agent: agentOf(i), body: {} })));
    const surface = restSurface(client, (count) => engine.seedTasks?.(namespace, project, count));
    return { ...(await measureSurface(ctx, surface, timing, expectedRate, { engine, hubInThisProcess: false })), url };
  } finally {
    await client.close();
  }
}

/**
 * Cross-process wake-up: two coordinators on one namespace (A at `urlA`, B started
 * here); the holder takes a fresh lock through A, the waiter queues on it through B (`wait_seconds`), and
 * the time runs from the moment the holder sends release_lock to A until the
 * waiter's blocked call on B returns with the lock. The grant itself is written
 * by A's release; B learns of it through the engine's pub/sub or LISTEN.
 */
export async function measureWakeup(ctx: BenchContext, engine: StoreEngine, namespace: string, timing: StoreTiming, urlA: string): Promise<{ wakeup: Measurement; release: Measurement }> {
  const project = 'wakeup';
  ctx.log('starting a second coordinator on the namespace');
  const urlB = await startStoreServer(ctx, engine, namespace);
  const a = createRestClient(urlA, { connections: 4, project });
  const b = createRestClient(urlB, { connections: 4, project });
  try {
    await a.call('POST', '/api/v1/agents', { agent: 'holder', body: {} });
    await b.call('POST', '/api/v1/agents', { agent: 'waiter', body: {} });
    const wakeup = createHistogram();
    const release = createHistogram();
    ctx.log(`wake-up latency, ${timing.wakeups} rounds`);
    const started = performance.now();
    for (let round = 0; round < timing.wakeups; round++) {
      const path = `/api/v1/locks/wake-${round}`;
      const held = await a.call('POST', `${path}/acquire`, { agent: 'holder', body: {} });
      if (held['acquired'] !== true) throw new Error(`round ${round}: the holder did not get the lock`);
      const waiting = b.call('POST', `${path}/acquire`, { agent: 'waiter', body: { wait_seconds: 10 } }).then((granted) => ({ granted, at: performance.now() }));
      // Queued once the holder's coordinator lists the waiter; the polling is outside the timed part.
      const queuedBy = performance.now() + 5000;
      while (((await a.call('GET', path))['waiters'] as unknown[]).length === 0) {
        if (performance.now() > queuedBy) throw new Error(`round ${round}: the waiter never showed up in the queue`);
      }
      const releasedAt = performance.now();
      await a.call('POST', `${path}/release`, { agent: 'holder', body: { token: held['token'] } });
      release.record(performance.now() - releasedAt);
      const { granted, at } = await waiting;
      if (granted['acquired'] !== true) throw new Error(`round ${round}: the waiter was not granted the lock: ${JSON.stringify(granted).slice(0, 200)}`);
      wakeup.record(at - releasedAt);
      await b.call('POST', `${path}/release`, { agent: 'waiter', body: { token: granted['token'] } });
    }
    const durationMs = performance.now() - started;
    return {
      wakeup: toMeasurement(wakeup, { name: 'wake-up, release on A → grant returned on B', unit: 'wake-up', concurrency: 2, rate: null, durationMs }),
      release: toMeasurement(release, { name: 'release_lock round trip on A (same rounds)', unit: 'request', concurrency: 1, rate: null, durationMs }),
    };
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}
