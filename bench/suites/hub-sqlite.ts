/**
 * @module Suite `hub-sqlite`: the hub in process over the SQLite store on a temp
 * file (WAL, synchronous NORMAL), against plain better-sqlite3 doing the same
 * writes one transaction per operation. Lock pairs and task pairs, with one caller
 * and with 64 (distinct locks, so they batch in group commit without contending),
 * each with this process's CPU per pair (SQLite runs in it), and an open-loop run
 * for the in-process latency target.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHub, type Hub } from '../../src/hub/hub.js';
import type { Caller } from '../../src/hub/context.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runClosedLoop } from '../lib/closed-loop.js';
import { createHistogram, toMeasurement } from '../lib/histogram.js';
import { runOpenLoop } from '../lib/open-loop.js';
import { addCheck } from '../lib/explain.js';
import { check, ratioCheck } from '../lib/report.js';
import { openSqliteBaseline } from '../lib/sqlite-baseline.js';
import type { BenchContext, BenchSuite, Check, Measurement } from '../lib/types.js';

const MANY = 64;
const PROJECT = 'bench';
/** hub/raw pairs per second (issue 8): layers cost at most 30% alone; group commit gains 20% with many callers. */
const ONE_CALLER_RATIO = 0.7;
const MANY_CALLERS_RATIO = 1.2;
const P99_MS = 2;

interface HubUnderTest {
  hub: Hub;
  callers: Caller[];
}

async function openHub(ctx: BenchContext, label: string, agents: number, tasks = 0): Promise<HubUnderTest> {
  const path = join(ctx.tempDir(label), 'baton.db');
  if (tasks > 0) {
    // Rows written straight into Baton's schema: add_task would take longer than the run it feeds.
    const seed = openSqliteBaseline(path, 'NORMAL', PROJECT);
    seed.preloadTasks(tasks);
    seed.close();
  }
  const store = createSqliteStore({ path, synchronous: 'NORMAL' });
  const hub = createHub({ store });
  ctx.defer(async () => {
    await hub.close();
    await store.close();
  });
  const callers: Caller[] = [];
  for (let i = 0; i < agents; i++) {
    const caller = { project: PROJECT, agentId: `agent-${i}` };
    await hub.execute('register_agent', {}, caller);
    callers.push(caller);
  }
  return { hub, callers };
}

/** acquire_lock then release_lock of the worker's own lock, through the hub. */
async function hubLockPair(h: HubUnderTest, worker: number): Promise<void> {
  const caller = h.callers[worker]!;
  const name = `bench-${worker}`;
  const acquired = await h.hub.execute('acquire_lock', { name }, caller);
  if (acquired['acquired'] !== true) throw new Error(`lock ${name} not acquired: ${JSON.stringify(acquired).slice(0, 200)}`);
  await h.hub.execute('release_lock', { name, token: acquired['token'] }, caller);
}

/** claim_task (best ready) then update_task done; false when no task was ready. */
async function hubTaskPair(h: HubUnderTest, worker: number): Promise<boolean> {
  const caller = h.callers[worker]!;
  const claimed = await h.hub.execute('claim_task', {}, caller);
  if (claimed['claimed'] !== true) {
    if (claimed['reason'] === 'none_ready') return false;
    throw new Error(`claim failed: ${JSON.stringify(claimed).slice(0, 200)}`);
  }
  const task = claimed['task'] as { id: string };
  await h.hub.execute('update_task', { task_id: task.id, token: claimed['token'], status: 'done' }, caller);
  return true;
}

export const suite: BenchSuite = {
  name: 'hub-sqlite',
  description: 'hub in process on SQLite (file, WAL, NORMAL) vs raw better-sqlite3, one transaction per operation',
  async run(ctx) {
    const durationMs = ctx.duration(4000, 1000);
    const warmupMs = ctx.duration(1000, 300);
    const measurements: Measurement[] = [];
    const checks: Check[] = [];
    const notes: string[] = [];
    // Enough ready tasks that a run at the raw rate (~10k pairs/s quiet) never drains the pool.
    const taskPool = ctx.duration(80_000, 20_000);

    // ---- locks ---------------------------------------------------------------
    ctx.log('raw SQLite lock pairs');
    const rawLocks = openSqliteBaseline(join(ctx.tempDir('raw-locks'), 'raw.db'), 'NORMAL', PROJECT);
    ctx.defer(() => { rawLocks.close(); });
    const rawLock = await runClosedLoop({
      name: 'raw SQLite lock pair',
      unit: 'pair',
      workers: 1,
      durationMs,
      warmupMs,
      cpu: {},
      op: (w) => {
        rawLocks.lockPair(w);
        return Promise.resolve();
      },
    });
    measurements.push(rawLock);

    for (const workers of [1, MANY]) {
      ctx.log(`hub lock pairs, ${workers} caller(s)`);
      const h = await openHub(ctx, `hub-locks-${workers}`, workers);
      const m = await runClosedLoop({ name: `hub lock pair, ${workers} caller${workers > 1 ? 's' : ''}`, unit: 'pair', workers, durationMs, warmupMs, cpu: {}, op: (w) => hubLockPair(h, w) });
      measurements.push(m);
      addCheck(checks, notes, hubRawCheck(`lock pairs hub/raw, ${workers} caller(s)`, m.opsPerSec, rawLock.opsPerSec, workers), m, rawLock);
    }

    // ---- tasks ---------------------------------------------------------------
    ctx.log('raw SQLite task pairs');
    const rawTasks = openSqliteBaseline(join(ctx.tempDir('raw-tasks'), 'raw.db'), 'NORMAL', PROJECT);
    ctx.defer(() => { rawTasks.close(); });
    rawTasks.preloadTasks(taskPool);
    const raw = { drained: false };
    const rawTask = await runClosedLoop({
      name: 'raw SQLite task pair',
      unit: 'pair',
      workers: 1,
      durationMs,
      warmupMs,
      cpu: {},
      op: (w) => {
        raw.drained ||= !rawTasks.taskPair(w);
        return Promise.resolve(!raw.drained);
      },
    });
    measurements.push(rawTask);
    if (raw.drained) notes.push(`raw task pool (${taskPool}) ran out: raise it`);

    for (const workers of [1, MANY]) {
      ctx.log(`hub task pairs, ${workers} caller(s)`);
      const h = await openHub(ctx, `hub-tasks-${workers}`, workers, taskPool);
      const pool = { drained: false };
      const m = await runClosedLoop({
        name: `hub task pair, ${workers} caller${workers > 1 ? 's' : ''}`,
        unit: 'pair',
        workers,
        durationMs,
        warmupMs,
        cpu: {},
        op: async (w) => {
          pool.drained ||= !(await hubTaskPair(h, w));
          return !pool.drained;
        },
      });
      measurements.push(m);
      if (pool.drained) notes.push(`hub task pool (${taskPool}) ran out with ${workers} caller(s): raise it`);
      addCheck(checks, notes, hubRawCheck(`task pairs hub/raw, ${workers} caller(s)`, m.opsPerSec, rawTask.opsPerSec, workers), m, rawTask);
    }

    // ---- open loop -----------------------------------------------------------
    const rate = 1000;
    ctx.log(`hub open loop, ${rate} requests/s`);
    const h = await openHub(ctx, 'hub-open', MANY);
    const perRequest = createHistogram();
    const open = await runOpenLoop({
      name: `hub lock pair, open loop ${rate / 2} pairs/s`,
      unit: 'pair',
      rate: rate / 2,
      durationMs,
      warmupMs,
      async op(index, scheduledAt, measured) {
        // Distinct lock per slot, reused round-robin: pairs never contend or pile up held leases.
        const caller = h.callers[index % MANY]!;
        const name = `open-${index % 4096}`;
        const acquired = await h.hub.execute('acquire_lock', { name }, caller);
        const sent = performance.now();
        if (acquired['acquired'] !== true) throw new Error(`lock ${name} not acquired`);
        await h.hub.execute('release_lock', { name, token: acquired['token'] }, caller);
        if (measured) {
          perRequest.record(sent - scheduledAt);
          perRequest.record(performance.now() - sent);
        }
      },
    });
    measurements.push(open, toMeasurement(perRequest, { name: `hub request, open loop ${rate}/s`, unit: 'request', concurrency: null, rate, durationMs: open.durationMs }));
    checks.push(check(`in-process p99 per request at ${rate}/s`, perRequest.percentile(0.99), '<=', P99_MS, 'ms'));
    if (open.sendLag.p99Ms > 1) notes.push(`open-loop generator lagged (p99 ${open.sendLag.p99Ms.toFixed(2)} ms behind schedule): latencies include it`);
    notes.push('CPU µs/op: this process, which runs the load generator, the hub and SQLite itself; warm-up included');
    return { measurements, checks, notes };
  },
};

/** One caller: what the layers cost. Many callers: what group commit gains over one transaction per operation. */
function hubRawCheck(name: string, hub: number, raw: number, workers: number): Check {
  return ratioCheck(name, hub, raw, '>=', workers === 1 ? ONE_CALLER_RATIO : MANY_CALLERS_RATIO, 'pairs/s');
}
