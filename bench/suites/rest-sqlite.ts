/**
 * @module Suite `rest-sqlite`: the built server (`dist/cli/main.js start`, SQLite
 * in a temp data dir) in its own process, driven over HTTP by undici with 64
 * connections, against a bare Fastify `GET /ping` in another process under the
 * same generator. Closed loop for throughput per request; open loop at a fixed
 * rate for latency that hides no queueing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { spawnServer, type ChildServer } from '../lib/child-server.js';
import { addCheck } from '../lib/explain.js';
import { runClosedLoop } from '../lib/closed-loop.js';
import { createHistogram, toMeasurement } from '../lib/histogram.js';
import { runOpenLoop } from '../lib/open-loop.js';
import { check, ratioCheck } from '../lib/report.js';
import { createRestClient, type RestClient } from '../lib/rest-client.js';
import { openSqliteBaseline } from '../lib/sqlite-baseline.js';
import type { BenchContext, BenchSuite, Check, Measurement } from '../lib/types.js';

const CONNECTIONS = 64;
const PROJECT = 'bench';
/** REST requests/s over a trivial Fastify route's, 64 connections (issue 8). */
const TRIVIAL_RATIO = 0.4;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');

/** The environment minus Baton's own variables, so a developer's settings do not leak in. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('BATON_')));
}

async function startBaton(ctx: BenchContext, tasks: number): Promise<ChildServer> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (\`npm run bench\` does).`);
  const dataDir = ctx.tempDir('rest');
  // Rows written straight into Baton's schema before it starts: add_task would take longer than the run.
  const seed = openSqliteBaseline(join(dataDir, 'baton.db'), 'NORMAL', PROJECT);
  seed.preloadTasks(tasks);
  seed.close();
  const server = await spawnServer({ args: [CLI, 'start', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir], env: cleanEnv(), cwd: ROOT });
  ctx.defer(() => server.stop());
  return server;
}

async function startPing(ctx: BenchContext): Promise<ChildServer> {
  const server = await spawnServer({ args: ['--import', 'tsx', join(ROOT, 'bench/lib/ping-server.ts')], env: cleanEnv(), cwd: ROOT });
  ctx.defer(() => server.stop());
  return server;
}

async function lockPair(client: RestClient, worker: number, name: string, onAcquired?: () => void): Promise<void> {
  const agent = `agent-${worker}`;
  const acquired = await client.call('POST', `/api/v1/locks/${name}/acquire`, { agent, body: {} });
  if (acquired['acquired'] !== true) throw new Error(`lock ${name} not acquired: ${JSON.stringify(acquired).slice(0, 200)}`);
  onAcquired?.();
  await client.call('POST', `/api/v1/locks/${name}/release`, { agent, body: { token: acquired['token'] } });
}

/** claim_task (best ready) then update_task done; false when no task was ready. */
async function taskPair(client: RestClient, worker: number): Promise<boolean> {
  const agent = `agent-${worker}`;
  const claimed = await client.call('POST', '/api/v1/tasks/claim', { agent, body: {} });
  if (claimed['claimed'] !== true) {
    if (claimed['reason'] === 'none_ready') return false;
    throw new Error(`claim failed: ${JSON.stringify(claimed).slice(0, 200)}`);
  }
  const task = claimed['task'] as { id: string };
  await client.call('POST', `/api/v1/tasks/${task.id}/update`, { agent, body: { token: claimed['token'], status: 'done' } });
  return true;
}

export const suite: BenchSuite = {
  name: 'rest-sqlite',
  description: `built server over HTTP (undici, ${CONNECTIONS} connections) vs a bare Fastify GET /ping`,
  async run(ctx) {
    const durationMs = ctx.duration(5000, 1500);
    const warmupMs = ctx.duration(1000, 300);
    const measurements: Measurement[] = [];
    const checks: Check[] = [];
    const notes: string[] = [];
    const taskPool = ctx.duration(60_000, 15_000);

    ctx.log('starting the servers');
    const [batonServer, pingServer] = await Promise.all([startBaton(ctx, taskPool), startPing(ctx)]);
    const baton = createRestClient(batonServer.url, { connections: CONNECTIONS, project: PROJECT });
    const ping = createRestClient(pingServer.url, { connections: CONNECTIONS });
    // CPU per operation in the server under test: each run's other process.
    const batonCpu = { httpServerPid: batonServer.pid };
    ctx.defer(() => Promise.all([baton.close(), ping.close()]));
    for (let i = 0; i < CONNECTIONS; i++) await baton.call('POST', '/api/v1/agents', { agent: `agent-${i}`, body: {} });

    ctx.log(`trivial GET /ping, ${CONNECTIONS} connections`);
    const trivial = await runClosedLoop({
      name: 'Fastify GET /ping',
      unit: 'request',
      workers: CONNECTIONS,
      durationMs,
      warmupMs,
      cpu: { httpServerPid: pingServer.pid },
      op: async () => {
        const body = await ping.call('GET', '/ping');
        if (body['ok'] !== true) throw new Error('unexpected /ping answer');
      },
    });
    measurements.push(trivial);

    ctx.log(`REST lock pairs, ${CONNECTIONS} connections`);
    const locks = await runClosedLoop({ name: `REST lock pair, ${CONNECTIONS} callers`, unit: 'pair', workers: CONNECTIONS, durationMs, warmupMs, cpu: batonCpu, op: (w) => lockPair(baton, w, `bench-${w}`) });
    measurements.push(locks);
    addCheck(checks, notes, ratioCheck('REST/trivial req/s, lock pairs', 2 * locks.opsPerSec, trivial.opsPerSec, '>=', TRIVIAL_RATIO, 'req/s'), locks, trivial);

    ctx.log(`REST task pairs, ${CONNECTIONS} connections`);
    const pool = { drained: false };
    const tasks = await runClosedLoop({
      name: `REST task pair, ${CONNECTIONS} callers`,
      unit: 'pair',
      workers: CONNECTIONS,
      durationMs,
      warmupMs,
      cpu: batonCpu,
      op: async (w) => {
        pool.drained ||= !(await taskPair(baton, w));
        return !pool.drained;
      },
    });
    measurements.push(tasks);
    addCheck(checks, notes, ratioCheck('REST/trivial req/s, task pairs', 2 * tasks.opsPerSec, trivial.opsPerSec, '>=', TRIVIAL_RATIO, 'req/s'), tasks, trivial);
    if (pool.drained) notes.push(`the task pool (${taskPool}) ran out: raise it`);

    const rate = 1000;
    ctx.log(`REST open loop, ${rate} requests/s`);
    const perRequest = createHistogram();
    const open = await runOpenLoop({
      name: `REST lock pair, open loop ${rate / 2} pairs/s`,
      unit: 'pair',
      rate: rate / 2,
      durationMs: ctx.duration(5000, 2000),
      warmupMs,
      async op(index, scheduledAt, measured) {
        // A lock per slot, reused round-robin and always by the same agent: pairs never contend.
        let sent = 0;
        await lockPair(baton, index % CONNECTIONS, `open-${index % 4096}`, () => (sent = performance.now()));
        if (measured) {
          perRequest.record(sent - scheduledAt);
          perRequest.record(performance.now() - sent);
        }
      },
    });
    measurements.push(open, toMeasurement(perRequest, { name: `REST request, open loop ${rate}/s`, unit: 'request', concurrency: null, rate, durationMs: open.durationMs }));
    checks.push(check(`REST p99 per request at ${rate}/s`, perRequest.percentile(0.99), '<', 10, 'ms'));
    if (open.sendLag.p99Ms > 1) notes.push(`open-loop generator lagged (p99 ${open.sendLag.p99Ms.toFixed(2)} ms behind schedule): latencies include it`);
    notes.push("CPU µs/op: this process (the load generator) + the HTTP server's process (Baton's; the trivial server's for GET /ping), in 10 ms ticks; warm-up included");
    return { measurements, checks, notes };
  },
};
