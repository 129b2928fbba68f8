/**
 * @module Suite `stores-postgres`: Baton on PostgreSQL in a throwaway schema.
 * Lock acquire+release and task claim+complete pairs through the hub in process
 * (1 and 64 callers) and over HTTP against one server (64 connections), then
 * cross-process wake-up latency between two coordinators on the schema (the
 * grant travels by LISTEN/NOTIFY). Ready tasks are seeded with one INSERT: add_task
 * costs a few round trips per task and would take longer than the runs it feeds.
 * `pgbench` in the same run gives the server's own figures on this machine: the
 * round-trip rate of one connection (a project's writes run on one connection at a
 * time) and the commit rate of one and of 64 connections.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createLogFollowingBus } from '../../src/bus/log-following-bus.js';
import { createPostgresNotifier } from '../../src/store/postgres/postgres-notifier.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { check } from '../lib/report.js';
import { claimNamespace, measureHttp, measureInProcess, measureWakeup, runTool, storeTiming, type StoreEngine } from '../lib/store-bench.js';
import type { BenchContext, BenchSuite, Check, Measurement } from '../lib/types.js';

const PG_URL = process.env['BATON_BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLAIM_TARGET = 2500;
const WAKEUP_P99_MS = 50;

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const engine: StoreEngine = {
  kind: 'postgres',
  url: PG_URL,
  serverProcess: 'postgres',
  async open(schema) {
    const store = await createPostgresStore({ connectionString: PG_URL, schema });
    try {
      const bus = await createLogFollowingBus({ store, notifier: createPostgresNotifier({ connectionString: PG_URL, schema }) });
      return {
        store,
        bus,
        async close() {
          await bus.close();
          await store.close();
        },
      };
    } catch (error) {
      await store.close();
      throw error;
    }
  },
  async drop(schema) {
    // The name comes from claimNamespace ([a-z0-9_] only), so it needs no quoting.
    await withClient((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  },
  async seedTasks(schema, project, count) {
    const now = Date.now();
    await withClient(async (client) => {
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${schema}.projects (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [project, now]);
      const row = await client.query<{ seq: string }>(`UPDATE ${schema}.projects SET seq_task = seq_task + $2 WHERE id = $1 RETURNING seq_task - $2 AS seq`, [project, count]);
      const first = Number(row.rows[0]?.seq ?? 0);
      await client.query(
        `INSERT INTO ${schema}.tasks (project, id, title, description, dependencies, priority, labels, files, status, output, error, progress, attempts,
           claim, claim_agent, claim_expires_at, created_at, updated_at, seq)
         SELECT $1, 'seed-' || ($2::bigint + g), 'Bench task ' || ($2::bigint + g), '', '[]', 0, '[]', '[]', 'ready', NULL, NULL, NULL, 0,
           NULL, NULL, NULL, $3, $3, $2::bigint + g
         FROM generate_series(1, $4::bigint) AS g`,
        [project, first, now, count],
      );
      await client.query('COMMIT');
    });
  },
};

/** Parses a pgbench summary: transactions, tps and mean latency (pgbench reports no percentiles without --log). */
function parsePgbench(name: string, clients: number, stdout: string): Measurement {
  const figure = (pattern: RegExp): number => Number(pattern.exec(stdout)?.[1]);
  const tps = figure(/^tps = ([\d.]+)/m);
  const ops = figure(/^number of transactions actually processed: (\d+)/m);
  if (!Number.isFinite(tps) || !Number.isFinite(ops)) throw new Error(`unexpected pgbench output: ${stdout.slice(0, 300)}`);
  return { name, unit: 'transaction', concurrency: clients, rate: null, ops, errors: 0, durationMs: (ops * 1000) / tps, opsPerSec: tps, p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN, meanMs: figure(/^latency average = ([\d.]+) ms/m) };
}

/** pgbench on a 64-row table in the suite's schema; null when pgbench is not installed. */
async function runPgbench(ctx: BenchContext, schema: string): Promise<Measurement[] | null> {
  await withClient(async (client) => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE ${schema}.pgbench_counter (id INT PRIMARY KEY, n BIGINT NOT NULL)`);
    await client.query(`INSERT INTO ${schema}.pgbench_counter SELECT g, 0 FROM generate_series(1, 64) AS g`);
  });
  const dir = ctx.tempDir('pgbench');
  const roundTrip = join(dir, 'select.sql');
  const commit = join(dir, 'update.sql');
  writeFileSync(roundTrip, 'SELECT 1;\n');
  writeFileSync(commit, `\\set id random(1, 64)\nBEGIN;\nUPDATE ${schema}.pgbench_counter SET n = n + 1 WHERE id = :id;\nCOMMIT;\n`);
  const seconds = String(ctx.duration(2, 1));
  const runs: { name: string; clients: number; script: string }[] = [
    { name: 'pgbench SELECT 1, 1 connection', clients: 1, script: roundTrip },
    ...(ctx.quick ? [] : [{ name: 'pgbench UPDATE+COMMIT, 1 connection', clients: 1, script: commit }]),
    { name: 'pgbench UPDATE+COMMIT, 64 connections', clients: 64, script: commit },
  ];
  const measurements: Measurement[] = [];
  for (const run of runs) {
    ctx.log(run.name);
    const stdout = await runTool('pgbench', ['-n', '-j', '2', '-c', String(run.clients), '-T', seconds, '-f', run.script, PG_URL]);
    if (stdout === null) return null;
    measurements.push(parsePgbench(run.name, run.clients, stdout));
  }
  return measurements;
}

export const suite: BenchSuite = {
  name: 'stores-postgres',
  description: `Baton on PostgreSQL (${PG_URL.replace(/\/\/[^@/]*@/, '//')}): pairs in process and over HTTP, cross-process wake-up`,
  async run(ctx) {
    // Under load a batch of 64 calls takes a few hundred ms: quick runs need a few of them.
    const timing = storeTiming(ctx, 1000);
    const measurements: Measurement[] = [];
    const checks: Check[] = [];
    const notes: string[] = [];
    const schema = claimNamespace(ctx, engine);
    ctx.log(`schema ${schema}`);

    const inProcess = await measureInProcess(ctx, engine, schema, timing, CLAIM_TARGET);
    // Right after the in-process runs, so both see the same machine.
    const pgbench = (await runPgbench(ctx, schema)) ?? [];
    if (pgbench.length === 0) notes.push('pgbench is not installed: no figures of the server alone');
    const http = await measureHttp(ctx, engine, schema, timing, CLAIM_TARGET);
    const { wakeup, release } = await measureWakeup(ctx, engine, schema, timing, http.url);
    measurements.push(...inProcess.measurements, ...pgbench, ...http.measurements, wakeup, release);
    notes.push(...inProcess.notes, ...http.notes);

    const best = Math.max(...inProcess.taskPairs.values());
    checks.push(
      check('task claim+complete pairs/s, in process (best of 1 and 64 callers)', best, '>=', CLAIM_TARGET, 'pairs/s'),
      check('cross-process wake-up p99 (release on A → grant on B)', wakeup.p99Ms, '<', WAKEUP_P99_MS, 'ms'),
    );
    notes.push('ready tasks were written with one INSERT per top-up, not add_task (a few round trips per task: slower than the runs it would feed)');
    const roundTrips = pgbench.find((m) => m.name.startsWith('pgbench SELECT 1'));
    const commits = pgbench.find((m) => m.name.endsWith('64 connections'));
    if (roundTrips && commits) {
      const many = inProcess.taskPairs.get(64) ?? Number.NaN;
      notes.push(
        `ratio to pgbench: task pairs with 64 callers in process = ${(many / commits.opsPerSec).toFixed(3)}x UPDATE+COMMIT transactions/s on 64 connections (${Math.round(commits.opsPerSec)}/s); one connection answers ${Math.round(roundTrips.opsPerSec)} statements/s, and a project's writes run on one connection at a time`,
      );
    }
    notes.push(`over HTTP, 64 connections: ${Math.round(http.taskPairs.get(64) ?? Number.NaN)} task pairs/s (no target; the server and this generator share the cores)`);
    return { measurements, checks, notes };
  },
};
