/**
 * @module Consultation: CPU time of scoring one announce (core/consult/scoring.ts,
 * posting lists) against 200 live agents with 1k and 10k intents in all (each
 * intent 100 targets and 50 dependencies, 20 edits per agent, 500 reservation
 * globs), against a naive loop over every intent × file measured in the same run;
 * and on the in-process hub (SQLite), get_inbox with 100k deliveries in the
 * project, file_activity hot/conflict over 100k edit rows, and the calls and
 * server time of one consultation round (announce → thread → post → propose →
 * approve → resolved).
 */
import { performance } from 'node:perf_hooks';
import { createHub } from '../../src/hub/hub.js';
import { scoreAnnounce, type PeerWork, type Work } from '../../src/core/consult/scoring.js';
import { pathsMeet } from '../../src/core/consult/paths.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createHistogram, toMeasurement } from '../lib/histogram.js';
import { check, ratioCheck } from '../lib/report.js';
import type { BenchSuite, Check, Measurement } from '../lib/types.js';

const AGENTS = 200;

function world(intentsTotal: number): { peers: PeerWork[]; mine: Work } {
  const perAgent = Math.max(1, Math.round(intentsTotal / AGENTS));
  const file = (i: number): string => `src/m${i % 400}/f${i % 5000}.ts`;
  const peers: PeerWork[] = Array.from({ length: AGENTS }, (_, a) => ({
    agent: `agent-${a}`, stale: false, modules: [`src/m${a % 400}`],
    intents: Array.from({ length: perAgent }, (_, k) => ({ id: `i${a}-${k}`, targets: Array.from({ length: 100 }, (_, j) => file(a * 7919 + k * 104729 + j * 31)), depends: Array.from({ length: 50 }, (_, j) => file(a * 31 + k * 13 + j * 97 + 1)), modules: [] })),
    reservations: a < 100 ? Array.from({ length: 5 }, (_, r) => ({ leaseId: `r${a}-${r}`, paths: [`src/m${(a * 5 + r) % 400}/**`], exclusive: r % 2 === 0, expiresAt: 0 })) : [],
    tasks: [],
    edits: Array.from({ length: 20 }, (_, e) => ({ file: file(a * 17 + e * 3), at: Date.now() - e * 60_000 })),
  }));
  const mine: Work = { targets: Array.from({ length: 100 }, (_, j) => file(j * 53 + 11)), depends: Array.from({ length: 100 }, (_, j) => file(j * 59 + 7)), modules: [] };
  return { peers, mine };
}

/** The loop peers run: every peer's every intent file against every file of mine. */
function naive(mine: Work, peers: readonly PeerWork[]): number {
  let best = 0;
  for (const p of peers) {
    for (const i of p.intents) for (const t of i.targets) for (const f of mine.targets) if (pathsMeet(f, t)) best = Math.max(best, 100);
    for (const r of p.reservations) for (const g of r.paths) for (const f of mine.targets) if (pathsMeet(f, g)) best = Math.max(best, 100);
    for (const e of p.edits) for (const f of mine.targets) if (e.file === f) best = Math.max(best, 100);
  }
  return best;
}

function cpuMs(fn: () => unknown): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

export const suite: BenchSuite = {
  name: 'consult',
  description: 'Scoring CPU p50/p99 vs a naive loop at 1k/10k intents; get_inbox at 100k deliveries; file_activity at 100k edit rows; one consultation round.',
  async run(ctx) {
    const measurements: Measurement[] = [];
    const checks: Check[] = [];
    const ctxScore = { now: Date.now(), editWindowMs: 30 * 60_000, editDecayMs: 120 * 60_000 };
    for (const total of [1_000, 10_000]) {
      const { peers, mine } = world(total);
      const fast = createHistogram();
      const slow = createHistogram();
      const runs = ctx.quick ? 30 : 200;
      for (let i = 0; i < runs; i++) fast.record(cpuMs(() => scoreAnnounce(mine, peers, ctxScore)));
      for (let i = 0; i < Math.max(5, runs / 10); i++) slow.record(cpuMs(() => naive(mine, peers)));
      measurements.push(toMeasurement(fast, { name: `score one announce, ${total} intents (CPU)`, unit: 'ms', concurrency: 1, rate: null, durationMs: 0 }));
      measurements.push(toMeasurement(slow, { name: `naive intents × files loop, ${total} intents (CPU)`, unit: 'ms', concurrency: 1, rate: null, durationMs: 0 }));
      checks.push(ratioCheck(`scoring p50 faster than the naive loop at ${total} intents`, slow.percentile(0.5), fast.percentile(0.5), '>=', 1, 'ms'));
    }

    const clock = { now: () => Date.now() };
    const store = createSqliteStore({ path: `${ctx.tempDir('consult')}/b.db`, clock });
    const hub = createHub({ store });
    ctx.defer(async () => {
      await hub.close();
      await store.close();
    });
    const project = 'bench-consult';
    const run = (agent: string, name: string, input: Record<string, unknown> = {}) => hub.execute(name, input, { project, agentId: agent });
    const recipients = ctx.quick ? 20 : 100;
    for (let a = 0; a < recipients; a++) await run(`a${a}`, 'register_agent', {});
    const broadcasts = ctx.quick ? 100 : 1_000;
    ctx.log(`seeding ${broadcasts * (recipients - 1)} deliveries`);
    for (let i = 0; i < broadcasts; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => run('a0', 'send_message', { to: ['project'], text: `note ${i + j}` })));
    const inbox = createHistogram();
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await run(`a${1 + (i % (recipients - 1))}`, 'get_inbox', {});
      inbox.record(performance.now() - t0);
    }
    measurements.push(toMeasurement(inbox, { name: `get_inbox, ${broadcasts * (recipients - 1)} deliveries in the project`, unit: 'ms', concurrency: 1, rate: null, durationMs: 0 }));
    checks.push(check('get_inbox p99', inbox.percentile(0.99), '<=', 2, 'ms'));

    const editors = ctx.quick ? 20 : 100;
    const files = ctx.quick ? 100 : 1_000;
    ctx.log(`seeding ${editors * files} edit rows`);
    for (let a = 0; a < editors; a++) for (let f = 0; f < files; f += 100) await run(`a${a % recipients}`, 'record_file_edit', { files: Array.from({ length: 100 }, (_, k) => `src/f${f + k}.ts`) });
    const hot = createHistogram();
    const conflict = createHistogram();
    for (let i = 0; i < 50; i++) {
      let t0 = performance.now();
      await run('a1', 'file_activity', { mode: 'hot', window_minutes: 1 });
      hot.record(performance.now() - t0);
      t0 = performance.now();
      await run('a1', 'file_activity', { mode: 'conflict', files: ['src/f1.ts'], window_minutes: 1 });
      conflict.record(performance.now() - t0);
    }
    measurements.push(toMeasurement(hot, { name: `file_activity hot, ${editors * files} edit rows (all in the window)`, unit: 'ms', concurrency: 1, rate: null, durationMs: 0 }));
    measurements.push(toMeasurement(conflict, { name: `file_activity conflict, ${editors * files} edit rows`, unit: 'ms', concurrency: 1, rate: null, durationMs: 0 }));

    // One consultation round, two agents, counted in calls and server time.
    const round = ['x', 'y'];
    for (const a of round) await run(a, 'register_agent', {});
    const t0 = performance.now();
    await run('x', 'announce_work', { description: 'x', target_files: ['src/round.ts'] });
    const opened = await run('y', 'announce_work', { description: 'y', target_files: ['src/round.ts'] });
    const thread = opened['thread_id'] as string;
    await run('x', 'get_inbox', {});
    await run('x', 'post_to_thread', { thread_id: thread, text: 'context' });
    await run('x', 'resolve_thread', { thread_id: thread, verb: 'propose', text: 'x first' });
    await run('y', 'resolve_thread', { thread_id: thread, verb: 'approve' });
    const roundMs = performance.now() - t0;
    checks.push(check('calls in one consultation round (announce ×2, inbox, post, propose, approve)', 6, '<=', 6, 'calls', `server time ${roundMs.toFixed(1)} ms in process`));
    return { measurements, checks, notes: ['Scoring figures are CPU time (process.cpuUsage) of the pure scoring function; hub figures are in-process wall time on SQLite.', 'The edit rows are one per (agent, file): 100k rows stand for any number of edits.'] };
  },
};
