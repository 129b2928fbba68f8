/**
 * @module Suite `scale`: whether a project's cost grows with its history or with
 * the number of projects. Per engine (SQLite, Redis, PostgreSQL), 64-caller lock
 * pairs and task pairs through the hub in process, with the sweeper running as
 * in a server, on three projects of one store: a fresh one (the baseline), one
 * holding 100,000 done tasks and 1,000,000 events, and a fresh one among 10,000
 * idle projects (a header and one live member each). History and idle projects
 * are written straight into the engine (history-seed.ts) between the runs, and
 * each project is measured by a store opened after its seeding (as after a
 * restart); each figure is a ratio to the fresh project's in the same run.
 * Beside each PostgreSQL figure, as in stores-postgres: the disk's flush latency
 * and WAL syncs per commit over that run (pg-probe.ts).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHub } from '../../src/hub/hub.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import type { EventBus } from '../../src/bus/event-bus.js';
import { PG_URL, postgresEngine, REDIS_URL, redisEngine, type StoreEngine } from '../lib/engines.js';
import { postgresSeeder, redisSeeder, sqliteSeeder, type HistorySeeder } from '../lib/history-seed.js';
import { agentOf, CPU_NOTE, emptyPool, hubSurface, measureLockPairs, measureTaskPairs, storeTiming, type PairOptions } from '../lib/pairs.js';
import { openPgProbe, type PgProbe } from '../lib/pg-probe.js';
import { addCheck } from '../lib/explain.js';
import { ratioCheck } from '../lib/report.js';
import { claimNamespace } from '../lib/store-bench.js';
import type { BenchContext, BenchSuite, Check, Measurement } from '../lib/types.js';

const MANY = 64;
/** A figure with history or among idle projects, over the fresh project's: within noise of equal. */
const SCALE_RATIO = 0.8;

interface OpenedStore {
  store: Store;
  bus?: EventBus | undefined;
  close(): Promise<void>;
}

/** One engine's namespace (or file) for the suite, dropped after it. */
interface Target {
  open(): Promise<OpenedStore>;
  /** Writes into the namespace; asked for once the first store has created the schema. */
  seeder(): Promise<HistorySeeder>;
}

interface ScaleEngine {
  name: 'sqlite' | 'redis' | 'postgres';
  /** Process name of the database server, for its CPU per pair (none for SQLite). */
  serverProcess?: string | undefined;
  /** First guess of the 64-caller task pair rate, to size the first pool. */
  expectedRate: number;
  claim(ctx: BenchContext): Target;
  /** What is measured around each of the engine's runs (PostgreSQL: flush latency, WAL syncs per commit). */
  probe?(ctx: BenchContext): Promise<PgProbe>;
}

function sharedTarget(ctx: BenchContext, engine: StoreEngine, seederOf: (namespace: string) => Promise<HistorySeeder>): Target {
  const namespace = claimNamespace(ctx, engine);
  return { open: () => engine.open(namespace), seeder: () => seederOf(namespace) };
}

const ENGINES: ScaleEngine[] = [
  {
    name: 'sqlite',
    expectedRate: 5000,
    claim(ctx) {
      const path = join(ctx.tempDir('scale-sqlite'), 'baton.db');
      return {
        open() {
          const store = createSqliteStore({ path, synchronous: 'NORMAL' });
          return Promise.resolve({ store, close: () => store.close() });
        },
        seeder: () => Promise.resolve(sqliteSeeder(path)),
      };
    },
  },
  {
    name: 'redis',
    serverProcess: redisEngine.serverProcess,
    expectedRate: 8000,
    claim: (ctx) => sharedTarget(ctx, redisEngine, (prefix) => Promise.resolve(redisSeeder(REDIS_URL, prefix))),
  },
  {
    name: 'postgres',
    serverProcess: postgresEngine.serverProcess,
    expectedRate: 2500,
    claim: (ctx) => sharedTarget(ctx, postgresEngine, (schema) => postgresSeeder(PG_URL, schema)),
    probe: (ctx) => openPgProbe(ctx, PG_URL),
  },
];

interface Figures {
  locks: Measurement;
  tasks: Measurement;
}

interface Sizes {
  tasks: number;
  events: number;
  idle: number;
}

async function timed(ctx: BenchContext, what: string, work: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await work();
  ctx.log(`  ${what} in ${Math.round(performance.now() - started)} ms`);
}

/**
 * The three projects of one engine, each measured by a store opened after what it
 * needs was seeded (so the store and its event bus start from the seeded heads, as
 * after a restart), in one namespace: the later ones also have the earlier ones beside them.
 */
async function measureEngine(ctx: BenchContext, engine: ScaleEngine, sizes: Sizes, notes: string[]): Promise<{ measurements: Measurement[]; checks: Check[] }> {
  const target = engine.claim(ctx);
  const probe = await engine.probe?.(ctx);
  if (probe) notes.push(`${engine.name}: ${probe.flushWhere}`);
  const options: PairOptions = { timing: storeTiming(ctx, engine.name === 'postgres' ? 1000 : 600), cpu: { serverProcess: engine.serverProcess }, probe };
  const measure = async (project: string, label: string): Promise<Figures> => {
    const opened = await target.open();
    // Retention above the seeded history, so the sweep keeps it; the sweep still looks for what is due every second.
    const hub = createHub({ store: opened.store, bus: opened.bus, config: { eventRetention: 2 * sizes.events } });
    hub.startSweeper();
    try {
      await Promise.all(Array.from({ length: MANY }, (_, i) => hub.execute('register_agent', {}, { project, agentId: agentOf(i) })));
      const surface = hubSurface(hub, opened.store, project, `${engine.name}, ${label}:`);
      await Promise.all(Array.from({ length: MANY }, (_, w) => surface.lockPair(w)));
      ctx.log(`${engine.name} ${label}: lock pairs, task pairs`);
      const locks = await measureLockPairs(surface, MANY, options);
      const tasks = await measureTaskPairs(ctx, surface, emptyPool(), MANY, engine.expectedRate, options, notes);
      return { locks, tasks };
    } finally {
      await hub.close();
      await opened.close();
    }
  };
  const fresh = await measure('fresh', 'fresh project');
  const seeder = await target.seeder();
  const historyLabel = `${sizes.tasks.toLocaleString('en-US')} tasks + ${sizes.events.toLocaleString('en-US')} events`;
  const idleLabel = `among ${sizes.idle.toLocaleString('en-US')} idle projects`;
  let history: Figures;
  let crowded: Figures;
  try {
    await timed(ctx, `${engine.name}: seeded ${historyLabel}`, () => seeder.history('history', sizes.tasks, sizes.events));
    history = await measure('history', historyLabel);
    await timed(ctx, `${engine.name}: seeded ${sizes.idle} idle projects`, () => seeder.idle(sizes.idle));
    crowded = await measure('crowded', idleLabel);
  } finally {
    await seeder.close();
  }
  const checks: Check[] = [];
  const compare = (what: string, of: (f: Figures) => Measurement, figures: Figures, label: string): void => {
    const c = ratioCheck(`${engine.name}: ${what}, ${label} / fresh project`, of(figures).opsPerSec, of(fresh).opsPerSec, '>=', SCALE_RATIO, 'pairs/s');
    addCheck(checks, notes, c, of(figures), of(fresh));
  };
  compare('task pairs', (f) => f.tasks, history, historyLabel);
  compare('lock pairs', (f) => f.locks, history, historyLabel);
  compare('task pairs', (f) => f.tasks, crowded, idleLabel);
  compare('lock pairs', (f) => f.locks, crowded, idleLabel);
  return { measurements: [fresh.locks, fresh.tasks, history.locks, history.tasks, crowded.locks, crowded.tasks], checks };
}

export const suite: BenchSuite = {
  name: 'scale',
  description: 'lock and task pairs (64 callers, in process) with a long history and among idle projects, as ratios to a fresh project, per engine',
  async run(ctx) {
    const sizes: Sizes = { tasks: ctx.duration(100_000, 10_000), events: ctx.duration(1_000_000, 100_000), idle: ctx.duration(10_000, 1_000) };
    const measurements: Measurement[] = [];
    const checks: Check[] = [];
    const notes: string[] = [];
    for (const engine of ENGINES) {
      const result = await measureEngine(ctx, engine, sizes, notes);
      measurements.push(...result.measurements);
      checks.push(...result.checks);
    }
    notes.push(CPU_NOTE);
    notes.push(`ratios under ${SCALE_RATIO} would mean a cost that grows with history or with projects; each engine's projects share one namespace, so the sweep and the later stores see all of them`);
    return { measurements, checks, notes };
  },
};
