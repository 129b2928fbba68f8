/**
 * @module Suite `stores-redis`: Baton on Redis under a throwaway key prefix. Lock
 * acquire+release and task claim+complete pairs through the hub in process (1 and
 * 64 callers) and over HTTP against one server (64 connections), cross-process
 * wake-up latency between two coordinators on the prefix (the grant travels by
 * pub/sub), and `redis-benchmark` against the same server in the same run, so the
 * task figure can be read as a fraction of what the server does for a plain SET.
 */
import { Redis } from 'ioredis';
import { createLogFollowingBus } from '../../src/bus/log-following-bus.js';
import { createRedisNotifier } from '../../src/store/redis/redis-notifier.js';
import { createRedisStore } from '../../src/store/redis/redis-store.js';
import { check } from '../lib/report.js';
import { claimNamespace, measureHttp, measureInProcess, measureWakeup, runTool, storeTiming, type StoreEngine } from '../lib/store-bench.js';
import type { BenchContext, BenchSuite, Check, Measurement } from '../lib/types.js';

const REDIS_URL = process.env['BATON_BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const CLAIM_TARGET = 8000;
const WAKEUP_P99_MS = 50;
const CONNECTIONS = 64;

const engine: StoreEngine = {
  kind: 'redis',
  url: REDIS_URL,
  serverProcess: 'redis-server',
  async open(prefix) {
    const store = await createRedisStore({ url: REDIS_URL, prefix });
    try {
      const bus = await createLogFollowingBus({ store, notifier: createRedisNotifier({ url: REDIS_URL, prefix }) });
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
  async drop(prefix) {
    // The store's keys are `{prefix}:…` and `{prefix:project}:…`, its channel and the benchmark's keys `prefix:…`.
    const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    try {
      for (const pattern of [`{${prefix}}:*`, `{${prefix}:*`, `${prefix}:*`]) {
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await client.unlink(...keys);
        } while (cursor !== '0');
      }
    } finally {
      client.disconnect();
    }
  },
};

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
  description: `Baton on Redis (${REDIS_URL.replace(/\/\/[^@/]*@/, '//')}): pairs in process and over HTTP, cross-process wake-up, redis-benchmark`,
  async run(ctx) {
    const timing = storeTiming(ctx);
    const measurements: Measurement[] = [];
    const checks: Check[] = [];
    const notes: string[] = [];
    const prefix = claimNamespace(ctx, engine);
    ctx.log(`key prefix ${prefix}`);

    const inProcess = await measureInProcess(ctx, engine, prefix, timing, CLAIM_TARGET);
    // Right after the in-process runs, so the two figures of the ratio see the same machine.
    const benchmark = (await runRedisBenchmark(ctx, prefix)) ?? [];
    if (benchmark.length === 0) notes.push('redis-benchmark is not installed: no ratio to it');
    const http = await measureHttp(ctx, engine, prefix, timing, CLAIM_TARGET);
    const { wakeup, release } = await measureWakeup(ctx, engine, prefix, timing, http.url);
    measurements.push(...inProcess.measurements, ...benchmark, ...http.measurements, wakeup, release);
    notes.push(...inProcess.notes, ...http.notes);

    const best = Math.max(...inProcess.taskPairs.values());
    checks.push(
      check('task claim+complete pairs/s, in process (best of 1 and 64 callers)', best, '>=', CLAIM_TARGET, 'pairs/s'),
      check('cross-process wake-up p99 (release on A → grant on B)', wakeup.p99Ms, '<', WAKEUP_P99_MS, 'ms'),
    );
    const set = benchmark.find((m) => m.name === 'redis-benchmark SET')?.opsPerSec;
    const evalsha = benchmark.find((m) => m.name.startsWith('redis-benchmark EVALSHA'))?.opsPerSec;
    const many = inProcess.taskPairs.get(CONNECTIONS) ?? Number.NaN;
    const overHttp = http.taskPairs.get(CONNECTIONS) ?? Number.NaN;
    if (set !== undefined && evalsha !== undefined) {
      notes.push(
        `ratio to redis-benchmark SET (${Math.round(set)}/s, ${CONNECTIONS} connections): task pairs with ${CONNECTIONS} callers in process ${(many / set).toFixed(3)}x (${Math.round(many)} pairs/s), over HTTP ${(overHttp / set).toFixed(3)}x (${Math.round(overHttp)} pairs/s)`,
        `a pair is two hub calls, each one EVALSHA on the fast path: in-process calls/s = ${((2 * many) / evalsha).toFixed(3)}x redis-benchmark EVALSHA of a one-line script (${Math.round(evalsha)}/s)`,
      );
    }
    return { measurements, checks, notes };
  },
};
