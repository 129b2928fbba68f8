/**
 * @module Suite `stores-redis`: Baton on Redis under a throwaway key prefix. Lock
 * acquire+release and task claim+complete pairs through the hub in process (1 and
 * 64 callers) and over HTTP against one server (64 connections), cross-process
 * wake-up latency between two coordinators on the prefix (the grant travels by
 * pub/sub). Baselines in the same run: a minimal Lua loop with the same writes
 * (redis-baseline.ts), and `redis-benchmark` for the server's own figures.
 */
import { Redis } from 'ioredis';
import { REDIS_URL, redisEngine } from '../lib/engines.js';
import { CPU_NOTE, storeTiming, type PairOptions } from '../lib/pairs.js';
import { openRedisBaseline } from '../lib/redis-baseline.js';
import { addCheck } from '../lib/explain.js';
import { check, ratioCheck } from '../lib/report.js';
import { claimNamespace, measureHttp, measureInProcess, measureWakeup, runTool, wakeupWhy } from '../lib/store-bench.js';
import type { BenchContext, BenchSuite, Check, Measurement } from '../lib/types.js';

/** Sizes the task pools (the runs calibrate them; this is the first guess). */
const EXPECTED_RATE = 8000;
/** Sizes the baseline's ready tasks, with a margin (it reached 25,000-36,000 pairs/s here). */
const BASELINE_RATE = 40_000;
const BASELINE_RATIO = 0.8;
const HTTP_RATIO = 0.7;
const WAKEUP_P99_MS = 20;
const CONNECTIONS = 64;

interface BenchmarkRow {
  test: string;
  rps: number;
  avg: number;
  p50: number;
  p99: number;
  max: number;
}

/** Parses `redis-benchmark --csv`: a header line, then one quoted row per test. */
function parseBenchmarkCsv(csv: string): BenchmarkRow[] {
  const lines = csv.trim().split('\n').map((line) => line.split(',').map((cell) => cell.replace(/^"|"$/g, '')));
  const header = lines[0] ?? [];
  const at = (row: string[], column: string): number => Number(row[header.indexOf(column)]);
  return lines.slice(1).map((row) => ({ test: row[0] ?? '', rps: at(row, 'rps'), avg: at(row, 'avg_latency_ms'), p50: at(row, 'p50_latency_ms'), p99: at(row, 'p99_latency_ms'), max: at(row, 'max_latency_ms') }));
}

/**
 * `redis-benchmark` (64 connections, no pipelining, like the hub's callers) for SET,
 * GET and INCR, plus EVALSHA of a one-line script, since Baton's hot paths are
 * Lua scripts. The commands name keys under the suite's prefix, so they are
 * dropped with it.
 */
async function runRedisBenchmark(ctx: BenchContext, prefix: string): Promise<Measurement[] | null> {
  const url = new URL(REDIS_URL);
  const requests = ctx.duration(50_000, 10_000);
  const base = ['-h', url.hostname, '-p', url.port || '6379', '-c', String(CONNECTIONS), '-n', String(requests), '-q', '--csv'];
  if (url.password) base.push('-a', decodeURIComponent(url.password));
  const key = `${prefix}:redis-benchmark`;
  const script = "return redis.call('INCR', KEYS[1])";
  const client = new Redis(REDIS_URL);
  const sha = (await client.script('LOAD', script).finally(() => {
    client.disconnect();
  })) as string;
  const commands: { name: string; args: string[] }[] = [
    { name: 'SET', args: ['SET', `${key}:string`, 'xxx'] },
    { name: 'GET', args: ['GET', `${key}:string`] },
    { name: 'INCR', args: ['INCR', `${key}:counter`] },
    { name: 'EVALSHA (INCR in Lua)', args: ['EVALSHA', sha, '1', `${key}:counter`] },
  ];
  const measurements: Measurement[] = [];
  for (const command of commands) {
    ctx.log(`redis-benchmark ${command.name}, ${requests} requests`);
    const stdout = await runTool('redis-benchmark', [...base, ...command.args]);
    if (stdout === null) return null;
    const row = parseBenchmarkCsv(stdout)[0];
    if (!row || !Number.isFinite(row.rps)) throw new Error(`unexpected redis-benchmark output: ${stdout.slice(0, 300)}`);
    measurements.push({
      name: `redis-benchmark ${command.name}`,
      unit: 'request',
      concurrency: CONNECTIONS,
      rate: null,
      ops: requests,
      errors: 0,
      durationMs: (requests * 1000) / row.rps,
      opsPerSec: row.rps,
      p50Ms: row.p50,
      p99Ms: row.p99,
      maxMs: row.max,
      meanMs: row.avg,
    });
  }
  return measurements;
}

export const suite: BenchSuite = {
  name: 'stores-redis',
  description: `Baton on Redis (${REDIS_URL.replace(/\/\/[^@/]*@/, '//')}): pairs in process and over HTTP vs a minimal Lua loop, cross-process wake-up, redis-benchmark`,
  async run(ctx) {
    const timing = storeTiming(ctx);
    const options: PairOptions = { timing, cpu: { serverProcess: redisEngine.serverProcess } };
    const measurements: Measurement[] = [];
    const checks: Check[] = [];
    const notes: string[] = [];
    const prefix = claimNamespace(ctx, redisEngine);
    ctx.log(`key prefix ${prefix}`);

    const inProcess = await measureInProcess(ctx, redisEngine, prefix, options, EXPECTED_RATE);
    // Right after the in-process runs, so the two figures of each ratio see the same machine.
    ctx.log(`minimal Lua loop, ${CONNECTIONS} callers`);
    const baseline = await openRedisBaseline(REDIS_URL, prefix, Math.ceil((1.5 * BASELINE_RATE * (timing.warmupMs + timing.durationMs)) / 1000));
    const loop = { workers: CONNECTIONS, durationMs: timing.durationMs, warmupMs: timing.warmupMs };
    ctx.defer(() => {
      baseline.close();
    });
    const baseTasks = await baseline.taskPairs(loop, notes);
    const baseLocks = await baseline.lockPairs(loop);
    const benchmark = (await runRedisBenchmark(ctx, prefix)) ?? [];
    if (benchmark.length === 0) notes.push('redis-benchmark is not installed: no figures of the server alone');
    const http = await measureHttp(ctx, redisEngine, prefix, options, EXPECTED_RATE);
    const { wakeup, release } = await measureWakeup(ctx, redisEngine, prefix, timing, http.url);
    measurements.push(...inProcess.measurements, baseTasks, baseLocks, ...benchmark, ...http.measurements, wakeup, release);
    notes.push(CPU_NOTE, ...inProcess.notes, ...http.notes);

    const rate = (m: Measurement | undefined): number => m?.opsPerSec ?? Number.NaN;
    const tasks = inProcess.taskPairs.get(CONNECTIONS);
    const locks = inProcess.lockPairs.get(CONNECTIONS);
    const httpTasks = http.taskPairs.get(CONNECTIONS);
    const httpLocks = http.lockPairs.get(CONNECTIONS);
    const add = (c: Check, figure?: Measurement, baseline?: Measurement): void => {
      addCheck(checks, notes, c, figure, baseline);
    };
    add(ratioCheck(`task pairs in process / minimal Lua loop, ${CONNECTIONS} callers`, rate(tasks), baseTasks.opsPerSec, '>=', BASELINE_RATIO, 'pairs/s'), tasks, baseTasks);
    add(ratioCheck(`lock pairs in process / minimal Lua loop, ${CONNECTIONS} callers`, rate(locks), baseLocks.opsPerSec, '>=', BASELINE_RATIO, 'pairs/s'), locks, baseLocks);
    add(ratioCheck(`task pairs over HTTP / in process, ${CONNECTIONS} callers`, rate(httpTasks), rate(tasks), '>=', HTTP_RATIO, 'pairs/s'), httpTasks, tasks);
    add(ratioCheck(`lock pairs over HTTP / in process, ${CONNECTIONS} callers`, rate(httpLocks), rate(locks), '>=', HTTP_RATIO, 'pairs/s'), httpLocks, locks);
    add(check('cross-process wake-up p99 (release on A → grant on B)', wakeup.p99Ms, '<=', WAKEUP_P99_MS, 'ms'));
    if (wakeup.p99Ms > WAKEUP_P99_MS) notes.push(wakeupWhy(wakeup, release));
    const set = benchmark.find((m) => m.name === 'redis-benchmark SET')?.opsPerSec;
    const evalsha = benchmark.find((m) => m.name.startsWith('redis-benchmark EVALSHA'))?.opsPerSec;
    if (set !== undefined && evalsha !== undefined) {
      notes.push(
        `ratio to redis-benchmark SET (${Math.round(set)}/s, ${CONNECTIONS} connections): task pairs with ${CONNECTIONS} callers in process ${(rate(tasks) / set).toFixed(3)}x (${Math.round(rate(tasks))} pairs/s)`,
        `the minimal Lua loop makes 2 EVALSHA per pair: ${((2 * baseTasks.opsPerSec) / evalsha).toFixed(3)}x redis-benchmark EVALSHA of a one-line script (${Math.round(evalsha)}/s); Baton sends one apply-plan.lua per batch of up to 64 steps`,
      );
    }
    return { measurements, checks, notes };
  },
};
