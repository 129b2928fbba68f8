/**
 * @module Suite `limits`: what counting limits per caller costs a request. The hub
 * in process, on each engine (SQLite on a temp file, Redis, PostgreSQL), runs lock
 * pairs (acquire + release: two requests) as authenticated callers (a token, an
 * agent each) with the limits on (high enough never to refuse, so every request
 * is counted in the store for its token and its agent) and off (all 0), on the
 * same store, alternating. The baseline is the same run with limits off.
 */
import { join } from 'node:path';
import { DEFAULT_LIMITS, type LimitsConfig } from '../../src/hub/config.js';
import type { Caller } from '../../src/hub/context.js';
import { createHub, type Hub } from '../../src/hub/hub.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { runClosedLoop } from '../lib/closed-loop.js';
import { postgresEngine, redisEngine, type StoreEngine } from '../lib/engines.js';
import { ratioCheck } from '../lib/report.js';
import { claimNamespace } from '../lib/store-bench.js';
import type { BenchContext, BenchSuite, Check, Measurement } from '../lib/types.js';

const PROJECT = 'bench';
const CALLERS = [1, 64];
/** Pairs/s with limits counted over pairs/s without: counting costs at most this share of a request. */
const RATIO = { sqlite: 0.8, redis: 0.7, postgres: 0.7 } as const;

const HIGH = 1_000_000_000;
const ON: LimitsConfig = { ...DEFAULT_LIMITS, tokenRequestsPerMinute: HIGH, agentRequestsPerMinute: HIGH, tokenWaits: HIGH, agentWaits: HIGH };
const OFF: LimitsConfig = { ...DEFAULT_LIMITS, tokenRequestsPerMinute: 0, agentRequestsPerMinute: 0, tokenWaits: 0, agentWaits: 0 };

interface Opened {
  kind: keyof typeof RATIO;
  store: Store;
}

async function openStores(ctx: BenchContext): Promise<Opened[]> {
  const sqlite = createSqliteStore({ path: join(ctx.tempDir('limits'), 'baton.db'), synchronous: 'NORMAL' });
  ctx.defer(() => sqlite.close());
  const opened: Opened[] = [{ kind: 'sqlite', store: sqlite }];
  for (const engine of [redisEngine, postgresEngine] as StoreEngine[]) {
    try {
      const running = await engine.open(claimNamespace(ctx, engine));
      ctx.defer(() => running.close());
      opened.push({ kind: engine.kind, store: running.store });
    } catch (error) {
      ctx.log(`limits: ${engine.kind} skipped (${(error as Error).message})`);
    }
  }
  return opened;
}

const callerOf = (worker: number): Caller => ({
  project: PROJECT,
  agentId: `agent-${worker}`,
  access: { role: 'agent', projects: ['*'], tokenId: `token-${worker % 4}`, tokenName: `bench ${worker % 4}`, agent: `agent-${worker}` },
});

async function lockPair(hub: Hub, worker: number): Promise<void> {
  const caller = callerOf(worker);
  const name = `bench-${worker}`;
  const acquired = await hub.execute('acquire_lock', { name }, caller);
  if (acquired['acquired'] !== true) throw new Error(`lock ${name} not acquired: ${JSON.stringify(acquired).slice(0, 200)}`);
  await hub.execute('release_lock', { name, token: acquired['token'] }, caller);
}

export const suite: BenchSuite = {
  name: 'limits',
  description: 'the cost of counting limits per caller in the store: hub lock pairs as token holders, limits on vs off, per engine',
  async run(ctx) {
    const measurements: Measurement[] = [];
    const checks: Check[] = [];
    const durationMs = ctx.duration(2500, 500);
    const warmupMs = ctx.duration(300, 100);
    for (const { kind, store } of await openStores(ctx)) {
      const hubs = { on: createHub({ store, config: { limits: ON } }), off: createHub({ store, config: { limits: OFF } }) };
      ctx.defer(() => Promise.all([hubs.on.close(), hubs.off.close()]));
      for (let worker = 0; worker < Math.max(...CALLERS); worker++) await hubs.off.execute('register_agent', {}, callerOf(worker));
      for (const workers of CALLERS) {
        const pairs = { on: 0, off: 0 };
        // Off, on, off: the baseline is the mean of the runs around the measured one (drift cancels).
        const offRuns: number[] = [];
        for (const mode of ['off', 'on', 'off'] as const) {
          ctx.log(`limits: ${kind}, ${workers} callers, limits ${mode}`);
          const m = await runClosedLoop({ name: `${kind} lock pair, ${workers} callers, limits ${mode}`, unit: 'pair', workers, durationMs, warmupMs, op: (worker) => lockPair(hubs[mode], worker) });
          if (mode === 'on') {
            pairs.on = m.opsPerSec;
            measurements.push(m);
          } else {
            offRuns.push(m.opsPerSec);
            if (offRuns.length === 1) measurements.push(m);
          }
        }
        pairs.off = offRuns.reduce((a, b) => a + b, 0) / offRuns.length;
        checks.push(ratioCheck(`${kind} ${workers} callers: limits on / off`, pairs.on, pairs.off, '>=', RATIO[kind], 'pairs/s'));
      }
    }
    return {
      measurements,
      checks,
      notes: ['Each request of a limited caller counts one hit for its token and one for its agent; the hits of one event-loop turn go to the store as one call (SQLite: one transaction of upserts; Redis: one script; PostgreSQL: one statement on unlogged tables).'],
    };
  },
};
