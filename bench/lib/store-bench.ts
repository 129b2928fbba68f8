/**
 * @module The shared body of the multi-process store suites (`stores-redis`,
 * `stores-postgres`): a throwaway namespace (Redis key prefix or PostgreSQL
 * schema) per run, lock and task pairs (pairs.ts) in process and over HTTP, and
 * cross-process wake-up latency between two coordinators on one namespace. A suite
 * supplies the engine (engines.ts), its baselines and its targets.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createHub } from '../../src/hub/hub.js';
import { spawnServer } from './child-server.js';
import { createHistogram, toMeasurement } from './histogram.js';
import type { StoreEngine } from './engines.js';
import { agentOf, emptyPool, hubSurface, measureLockPairs, measureTaskPairs, restSurface, type PairOptions, type StoreTiming, type Surface } from './pairs.js';
import { createRestClient } from './rest-client.js';
import type { BenchContext, Measurement } from './types.js';

const MANY = 64;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');

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

export interface SurfaceResult {
  measurements: Measurement[];
  notes: string[];
  /** Lock pair runs by number of callers. */
  lockPairs: Map<number, Measurement>;
  /** Task pair runs by number of callers. */
  taskPairs: Map<number, Measurement>;
}

async function measureSurface(ctx: BenchContext, surface: Surface, options: PairOptions, expectedRate: number): Promise<SurfaceResult> {
  const result: SurfaceResult = { measurements: [], notes: [], lockPairs: new Map(), taskPairs: new Map() };
  const pool = emptyPool();
  const workerCounts = surface.label === 'HTTP' ? [MANY] : [1, MANY];
  // First touches (connection pools filling, agents and lock names first seen) stay out of every run, even a short one.
  await Promise.all(Array.from({ length: MANY }, (_, w) => surface.lockPair(w)));
  for (const workers of workerCounts) {
    ctx.log(`${surface.label} lock pairs, ${workers} caller(s)`);
    const m = await measureLockPairs(surface, workers, options);
    result.measurements.push(m);
    result.lockPairs.set(workers, m);
  }
  for (const workers of workerCounts) {
    ctx.log(`${surface.label} task pairs, ${workers} caller(s)`);
    // One caller cannot go faster than its round trips; the pool is sized from a calibration run anyway.
    const m = await measureTaskPairs(ctx, surface, pool, workers, workers === 1 ? expectedRate / 4 : expectedRate, options, result.notes);
    result.measurements.push(m);
    result.taskPairs.set(workers, m);
  }
  return result;
}

/** The hub in this process over the engine's store and bus: lock and task pairs, 1 and 64 callers. */
export async function measureInProcess(ctx: BenchContext, engine: StoreEngine, namespace: string, options: PairOptions, expectedRate: number): Promise<SurfaceResult> {
  const project = 'inproc';
  const opened = await engine.open(namespace);
  const hub = createHub({ store: opened.store, bus: opened.bus });
  try {
    await Promise.all(Array.from({ length: MANY }, (_, i) => hub.execute('register_agent', {}, { project, agentId: agentOf(i) })));
    return await measureSurface(ctx, hubSurface(hub, opened.store, project), options, expectedRate);
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

/** `baton start` on the engine and namespace, stopped after the suite; resolves its URL and pid. */
export async function startStoreServer(ctx: BenchContext, engine: StoreEngine, namespace: string): Promise<{ url: string; pid: number }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (\`npm run bench\` does).`);
  const args = [CLI, 'start', '--host', '127.0.0.1', '--port', '0', '--data-dir', ctx.tempDir(`${engine.kind}-server`), '--store', engine.kind, '--store-url', engine.url];
  const server = await spawnServer({ args, env: serverEnv(namespace), cwd: ROOT });
  ctx.defer(() => server.stop());
  return { url: server.url, pid: server.pid };
}

/**
 * One server in its own process over HTTP, 64 connections: lock and task pairs.
 * The server keeps running (until the suite ends) and its URL comes back, so the
 * wake-up rounds can use it as one of their two coordinators.
 */
export async function measureHttp(ctx: BenchContext, engine: StoreEngine, namespace: string, options: PairOptions, expectedRate: number): Promise<SurfaceResult & { url: string }> {
  const project = 'http';
  ctx.log('starting the server');
  const { url, pid } = await startStoreServer(ctx, engine, namespace);
  const client = createRestClient(url, { connections: MANY, project });
  try {
    await Promise.all(Array.from({ length: MANY }, (_, i) => client.call('POST', '/api/v1/agents', { agent: agentOf(i), body: {} })));
    return { ...(await measureSurface(ctx, restSurface(client), { ...options, cpu: { ...options.cpu, httpServerPid: pid } }, expectedRate)), url };
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
  const { url: urlB } = await startStoreServer(ctx, engine, namespace);
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

/** Why the wake-up was slow: whether its tail is the release itself on A or what follows it on B. */
export function wakeupWhy(wakeup: Measurement, release: Measurement): string {
  const where = release.p99Ms >= wakeup.p99Ms / 2
    ? 'most of the tail is the release round trip itself on A, not the notification'
    : "the tail comes after the release: the notification reaching B, or B's event loop";
  return `missed the wake-up p99 (${wakeup.p99Ms.toFixed(1)} ms, p50 ${wakeup.p50Ms.toFixed(1)} ms; release on A p99 ${release.p99Ms.toFixed(1)} ms): ${where} (load average ${(loadavg()[0] ?? 0).toFixed(1)})`;
}
