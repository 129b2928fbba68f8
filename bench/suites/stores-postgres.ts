/**
 * @module Suite `stores-postgres`: Baton on PostgreSQL in a throwaway schema.
 * Lock acquire+release and task claim+complete pairs through the hub in process
 * (1 and 64 callers) and over HTTP against one server (64 connections), then
 * cross-process wake-up latency between two coordinators on the schema (the
 * grant travels by LISTEN/NOTIFY). Baselines in the same run: the same writes
 * applied set-based with plain `pg` (pg-baseline.ts), and `pgbench` for the
 * server's own figures: the round-trip rate of one connection (a project's
 * writes run on one connection at a time) and the commit rate of one and of 64
 * connections, with and without a NOTIFY in the transaction (Baton's apply sends
 * one). Beside every figure: the disk's flush latency and WAL syncs per commit
 * over that run (pg-probe.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PG_URL, postgresEngine, withPgClient } from '../lib/engines.js';
import { CPU_NOTE, storeTiming, type PairOptions, type RunProbe } from '../lib/pairs.js';
import { openPgBaseline } from '../lib/pg-baseline.js';
import { openPgProbe } from '../lib/pg-probe.js';
import { addCheck } from '../lib/explain.js';
import { check, ratioCheck } from '../lib/report.js';
import { claimNamespace, measureHttp, measureInProcess, measureWakeup, runTool, wakeupWhy } from '../lib/store-bench.js';
import type { BenchContext, BenchSuite, Check, Measurement } from '../lib/types.js';

const MANY = 64;
/** Pairs per second with 64 callers on one project, in process (issue 8). */
const PAIRS_TARGET = 2500;
const BASELINE_RATIO = 0.8;
const HTTP_RATIO = 0.7;
const WAKEUP_P99_MS = 20;
/** Sizes the baseline's ready tasks, with a margin (it reached 9,000-18,000 pairs/s here). */
const BASELINE_RATE = 20_000;

/** Parses a pgbench summary: transactions, tps and mean latency (pgbench reports no percentiles without --log). */
function parsePgbench(name: string, clients: number, stdout: string): Measurement {
  const figure = (pattern: RegExp): number => Number(pattern.exec(stdout)?.[1]);
  const tps = figure(/^tps = ([\d.]+)/m);
  const ops = figure(/^number of transactions actually processed: (\d+)/m);
  if (!Number.isFinite(tps) || !Number.isFinite(ops)) throw new Error(`unexpected pgbench output: ${stdout.slice(0, 300)}`);
  return { name, unit: 'transaction', concurrency: clients, rate: null, ops, errors: 0, durationMs: (ops * 1000) / tps, opsPerSec: tps, p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN, meanMs: figure(/^latency average = ([\d.]+) ms/m) };
}

/**
 * pgbench on a 64-row table in the suite's schema, each run inside the probe (its
 * connections end with the run, so they need no poke); null when pgbench is not installed.
 */
async function runPgbench(ctx: BenchContext, schema: string, probe: RunProbe): Promise<Measurement[] | null> {
  if ((await runTool('pgbench', ['--version'])) === null) return null;
  await withPgClient(async (client) => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE ${schema}.pgbench_counter (id INT PRIMARY KEY, n BIGINT NOT NULL)`);
    await client.query(`INSERT INTO ${schema}.pgbench_counter SELECT g, 0 FROM generate_series(1, 64) AS g`);
  });
  const dir = ctx.tempDir('pgbench');
  const roundTrip = join(dir, 'select.sql');
  const commit = join(dir, 'update.sql');
  writeFileSync(roundTrip, 'SELECT 1;\n');
  const notify = join(dir, 'notify.sql');
  writeFileSync(commit, `\\set id random(1, 64)\nBEGIN;\nUPDATE ${schema}.pgbench_counter SET n = n + 1 WHERE id = :id;\nCOMMIT;\n`);
  writeFileSync(notify, `\\set id random(1, 64)\nBEGIN;\nUPDATE ${schema}.pgbench_counter SET n = n + 1 WHERE id = :id;\nNOTIFY ${schema}_pgbench;\nCOMMIT;\n`);
  const seconds = String(ctx.duration(2, 1));
  const runs: { name: string; clients: number; script: string }[] = [
    { name: 'pgbench SELECT 1, 1 connection', clients: 1, script: roundTrip },
    ...(ctx.quick ? [] : [{ name: 'pgbench UPDATE+COMMIT, 1 connection', clients: 1, script: commit }]),
    { name: 'pgbench UPDATE+COMMIT, 64 connections', clients: 64, script: commit },
    { name: 'pgbench UPDATE+NOTIFY+COMMIT, 64 connections', clients: 64, script: notify },
  ];
  const measurements: Measurement[] = [];
  const noConnections = (): Promise<number> => Promise.resolve(0);
  for (const run of runs) {
    ctx.log(run.name);
    const args = ['-n', '-j', '2', '-c', String(run.clients), '-T', seconds, '-f', run.script, PG_URL];
    measurements.push(await probe.around(noConnections, async () => parsePgbench(run.name, run.clients, (await runTool('pgbench', args)) ?? '')));
  }
  return measurements;
}

export const suite: BenchSuite = {
  name: 'stores-postgres',
  description: `Baton on PostgreSQL (${PG_URL.replace(/\/\/[^@/]*@/, '//')}): pairs in process and over HTTP vs the same writes set-based, cross-process wake-up, pgbench`,
  async run(ctx) {
    // Under load a batch of 64 calls takes a few hundred ms: quick runs need a few of them.
    const timing = storeTiming(ctx, 1000);
    const probe = await openPgProbe(ctx, PG_URL);
    const options: PairOptions = { timing, cpu: { serverProcess: postgresEngine.serverProcess }, probe };
    const measurements: Measurement[] = [];
    const checks: Check[] = [];
    const notes: string[] = [];
    const schema = claimNamespace(ctx, postgresEngine);
    const baseSchema = claimNamespace(ctx, postgresEngine);
    ctx.log(`schemas ${schema} and ${baseSchema} (baseline)`);

    const inProcess = await measureInProcess(ctx, postgresEngine, schema, options, PAIRS_TARGET);
    // Right after the in-process runs, so both figures of each ratio see the same machine.
    ctx.log('set-based baseline');
    const baseline = await openPgBaseline(PG_URL, baseSchema, Math.ceil((1.5 * BASELINE_RATE * (timing.warmupMs + timing.durationMs)) / 1000));
    ctx.defer(() => baseline.close());
    const run = { durationMs: timing.durationMs, warmupMs: timing.warmupMs, probe };
    const baseTasks = await baseline.taskPairs(run, notes);
    const baseLocks = await baseline.lockPairs(run);
    const pgbench = (await runPgbench(ctx, schema, probe)) ?? [];
    if (pgbench.length === 0) notes.push('pgbench is not installed: no figures of the server alone');
    const http = await measureHttp(ctx, postgresEngine, schema, options, PAIRS_TARGET);
    const { wakeup, release } = await measureWakeup(ctx, postgresEngine, schema, timing, http.url);
    measurements.push(...inProcess.measurements, baseTasks, baseLocks, ...pgbench, ...http.measurements, wakeup, release);
    notes.push(CPU_NOTE, probe.flushWhere, ...inProcess.notes, ...http.notes);

    const rate = (m: Measurement | undefined): number => m?.opsPerSec ?? Number.NaN;
    const tasks = inProcess.taskPairs.get(MANY);
    const locks = inProcess.lockPairs.get(MANY);
    const httpTasks = http.taskPairs.get(MANY);
    const httpLocks = http.lockPairs.get(MANY);
    const add = (c: Check, figure?: Measurement, baseline?: Measurement): void => {
      addCheck(checks, notes, c, figure, baseline);
    };
    add(check(`task claim+complete pairs/s in process, ${MANY} callers`, rate(tasks), '>=', PAIRS_TARGET, 'pairs/s'), tasks);
    add(check(`lock acquire+release pairs/s in process, ${MANY} callers`, rate(locks), '>=', PAIRS_TARGET, 'pairs/s'), locks);
    add(ratioCheck(`task pairs in process / set-based baseline, ${MANY} callers`, rate(tasks), baseTasks.opsPerSec, '>=', BASELINE_RATIO, 'pairs/s'), tasks, baseTasks);
    add(ratioCheck(`lock pairs in process / set-based baseline, ${MANY} callers`, rate(locks), baseLocks.opsPerSec, '>=', BASELINE_RATIO, 'pairs/s'), locks, baseLocks);
    add(ratioCheck(`task pairs over HTTP / in process, ${MANY} callers`, rate(httpTasks), rate(tasks), '>=', HTTP_RATIO, 'pairs/s'), httpTasks, tasks);
    add(ratioCheck(`lock pairs over HTTP / in process, ${MANY} callers`, rate(httpLocks), rate(locks), '>=', HTTP_RATIO, 'pairs/s'), httpLocks, locks);
    add(check('cross-process wake-up p99 (release on A → grant on B)', wakeup.p99Ms, '<=', WAKEUP_P99_MS, 'ms'));
    if (wakeup.p99Ms > WAKEUP_P99_MS) notes.push(wakeupWhy(wakeup, release));
    const roundTrips = pgbench.find((m) => m.name.startsWith('pgbench SELECT 1'));
    const commits = pgbench.find((m) => m.name === 'pgbench UPDATE+COMMIT, 64 connections');
    const notified = pgbench.find((m) => m.name.startsWith('pgbench UPDATE+NOTIFY'));
    if (roundTrips && commits && notified) {
      notes.push(
        `ratio to pgbench: task pairs with ${MANY} callers in process = ${(rate(tasks) / commits.opsPerSec).toFixed(3)}x UPDATE+COMMIT transactions/s on 64 connections (${Math.round(commits.opsPerSec)}/s); one connection answers ${Math.round(roundTrips.opsPerSec)} statements/s, and a project's writes run on one connection at a time`,
        `a NOTIFY in each transaction takes 64 connections from ${Math.round(commits.opsPerSec)} to ${Math.round(notified.opsPerSec)} commits/s: PostgreSQL holds one server-wide lock from a notifying commit until its WAL flush is done, so notifying commits never share a flush, whatever project or database they belong to`,
      );
    }
    return { measurements, checks, notes };
  },
};
