/**
 * @module Multi-process fault tests for Redis and PostgreSQL: three coordinator
 * processes on a private engine, ≥ 32 clients spread across them, coordinators
 * SIGKILLed and restarted at random and the engine restarted once, then a checker
 * over the recorded history; plus deterministic cross-coordinator cases (handoff,
 * a waiter's retry after its coordinator died, a coordinator stalled through an
 * engine restart). Needs `npm run build`, redis-server and PostgreSQL 15 (an engine
 * that is missing is skipped). Environment: BATON_FAULT_SECONDS (run length per
 * engine, default 20 for CI; `BATON_FAULT_SECONDS=90 npx vitest run test/fault` for the
 * long version), BATON_FAULT_CLIENTS (default 36), BATON_FAULT_CHAOS=off (same load,
 * no faults), BATON_FAULT_DUMP=/path/prefix (writes each run's history as JSON).
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConsumers, checkExclusion, checkLockLog, checkLogIds, checkTasks, linesOf, sameHolderRegrants } from './support/checker.js';
import { startTeam, type Team } from './support/coordinators.js';
import { engineUnavailable, startEngine, type Engine, type EngineKind } from './support/engines.js';
import { FaultClient } from './support/fault-client.js';
import { faultRun, killWorkers, type RunResult } from './support/scenario.js';
import { collectStreamIds } from './support/stream.js';

const SECONDS = Number(process.env['BATON_FAULT_SECONDS'] ?? 20);
const CLIENTS = Number(process.env['BATON_FAULT_CLIENTS'] ?? 36);
const CHAOS = process.env['BATON_FAULT_CHAOS'] !== 'off';
const DUMP = process.env['BATON_FAULT_DUMP'];
const ENGINES: EngineKind[] = ['redis', 'postgres'];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(() => {
  killWorkers();
});

function causes(ends: { causes: Record<string, number> }[]): string {
  const total = new Map<string, number>();
  for (const e of ends) for (const [cause, n] of Object.entries(e.causes)) total.set(cause, (total.get(cause) ?? 0) + n);
  return [...total].sort((a, b) => b[1] - a[1]).map(([cause, n]) => `${n}× ${cause}`).join('; ');
}

function summary(kind: EngineKind, run: RunResult): string {
  const count = (kind2: Parameters<typeof linesOf>[1]): number => linesOf(run.lines, kind2).length;
  const ends = linesOf(run.lines, 'client-end');
  const sum = (f: (e: (typeof ends)[number]) => number): number => ends.reduce((n, e) => n + f(e), 0);
  const chaos = (a: string): number => run.chaos.filter((c) => c.action === a).length;
  return [
    `[fault ${kind}] ${SECONDS} s, ${ends.length} clients, ${run.locks.length} locks, ${run.taskIds.length} tasks, log of ${run.log.length} events`,
    `  chaos: ${chaos('kill')} coordinator kills, ${chaos('engine-crash')} engine restart`,
    `  locks: ${count('grant')} grants (${linesOf(run.lines, 'grant').filter((g) => g.renewed).length} renewals), ${sum((e) => e.timeouts)} wait timeouts, ${count('lapsed')} lapsed before writing, ` +
      `${run.writes.length} register writes (${run.writes.filter((w) => !w.accepted).length} refused), releases refused: ${linesOf(run.lines, 'release').filter((r) => r.outcome === 'refused').length}, ` +
      `re-grants to a live holder: ${sameHolderRegrants(run.log).length}`,
    `  tasks: ${count('claim')} claims, ${count('complete')} completions (${linesOf(run.lines, 'complete').filter((c) => c.via === 'verified').length} verified after an unknown outcome), ` +
      `${count('complete-refused')} refused (claim lapsed), drained by ${ends.filter((e) => e.drained).length} clients`,
    `  calls: ${sum((e) => e.retries)} retries, ${sum((e) => e.failovers)} failovers, ${count('anomaly')} anomalies; retried because: ${causes(ends)}`,
    `  consumers: ${run.consumers.map((c) => `${c.consumer} ${c.ids.length} events/${c.reconnects} reconnects`).join(', ')}`,
  ].join('\n');
}

for (const kind of ENGINES) {
  const unavailable = engineUnavailable(kind);
  describe.skipIf(unavailable !== null)(`${kind}: three coordinator processes on one engine`, () => {
    let engine: Engine | undefined;
    let team: Team | undefined;
    const namespace = `fault_${Math.random().toString(36).slice(2, 10)}`;

    beforeAll(async () => {
      engine = await startEngine(kind);
      team = await startTeam(engine, namespace);
    }, 120_000);

    afterAll(async () => {
      await team?.destroy();
      await engine?.destroy();
    }, 60_000);

    it('grants a waiter held on one coordinator within a second of the holder releasing through another', async () => {
      const urls = team!.urls;
      const project = `fault-wait-${Math.random().toString(36).slice(2, 8)}`;
      for (const [holderNode, waiterNode] of [[0, 1], [1, 2], [2, 0]] as const) {
        const holder = new FaultClient({ urls, home: holderNode, project, agent: `holder-${holderNode}` });
        const waiter = new FaultClient({ urls, home: waiterNode, project, agent: `waiter-${waiterNode}` });
        await holder.call('register_agent', { agent_id: `holder-${holderNode}` });
        await waiter.call('register_agent', { agent_id: `waiter-${waiterNode}` });
        const held = await holder.call('acquire_lock', { name: 'handoff' });
        expect(held.body['acquired']).toBe(true);
        const waiting = waiter.call('acquire_lock', { name: 'handoff', wait_seconds: 20 }, { timeoutMs: 30_000 });
        for (let queued = false; !queued; ) {
          await sleep(20);
          const check = await holder.call('list_locks', { name: 'handoff' });
          queued = (check.body['waiters'] as unknown[]).length === 1;
        }
        let answeredAt = 0;
        void waiting.then(() => (answeredAt = Date.now()));
        expect((await holder.call('release_lock', { name: 'handoff' })).ok).toBe(true);
        const releasedAt = Date.now();
        const granted = await waiting;
        // From the release's acknowledgement to the waiter's answer: the push from one coordinator to another.
        const latency = Math.max(0, answeredAt - releasedAt);
        expect(granted.body['acquired'], JSON.stringify(granted.body)).toBe(true);
        expect(granted.node).toBe(waiterNode);
        expect(granted.body['token']).toBeGreaterThan(held.body['token'] as number);
        expect(latency, `waiter on coordinator ${waiterNode} granted ${latency} ms after the release on ${holderNode}`).toBeLessThan(1_000);
        expect((await waiter.call('release_lock', { name: 'handoff' })).ok).toBe(true);
      }
    });

    it('answers a waiter whose coordinator died, retrying its request_id on another, with the lock it was handed', async () => {
      const urls = team!.urls;
      const project = `fault-retry-${Math.random().toString(36).slice(2, 8)}`;
      const holder = new FaultClient({ urls, home: 1, project, agent: 'holder' });
      const waiter = new FaultClient({ urls, home: 0, project, agent: 'waiter' });
      await holder.call('register_agent', { agent_id: 'holder' });
      await waiter.call('register_agent', { agent_id: 'waiter' });
      expect((await holder.call('acquire_lock', { name: 'handoff', ttl_seconds: 60 })).body['acquired']).toBe(true);
      // The client fails over to coordinator 1 with the same request_id when coordinator 0 dies under it.
      const waiting = waiter.call('acquire_lock', { name: 'handoff', wait_seconds: 8, ttl_seconds: 60, request_id: `wait-${project}` }, { timeoutMs: 20_000 });
      try {
        for (let queued = false; !queued; ) {
          await sleep(20);
          queued = ((await holder.call('list_locks', { name: 'handoff' })).body['waiters'] as unknown[]).length === 1;
        }
        await team!.coordinators[0]!.kill();
        expect((await holder.call('release_lock', { name: 'handoff' })).ok).toBe(true);
        const answer = await waiting;
        const holders = (await holder.call('list_locks', { name: 'handoff' })).body['locks'] as { holder: string; token: number }[];
        expect(holders.map((h) => h.holder)).toEqual(['waiter']);
        expect(answer.body, `the store handed the lock to the waiter (token ${holders[0]?.token}), but its retried call answered otherwise`).toMatchObject({
          acquired: true,
          token: holders[0]?.token,
        });
      } finally {
        await waiting.catch(() => undefined);
        await team!.coordinators[0]!.start();
      }
    }, 60_000);

    /** Freezes coordinator 0 while the engine restarts and `write` runs, so it misses the wake-ups published meanwhile. */
    async function stallThroughEngineRestart(write: () => Promise<void>): Promise<void> {
      const stalled = team!.coordinators[0]!;
      stalled.freeze(true);
      try {
        await engine!.crash();
        await engine!.start();
        await write();
        // Long enough for the writer's own reconnects and announcements to finish while this one cannot listen.
        await sleep(2_000);
      } finally {
        stalled.freeze(false);
      }
      for (let healthy = false; !healthy; ) {
        await sleep(200);
        healthy = await fetch(`${stalled.url}/health`).then((r) => r.ok, () => false);
      }
    }

    it('catches a stalled coordinator up after an engine restart: its streams get the events committed meanwhile', async () => {
      const urls = team!.urls;
      const project = `fault-stall-${Math.random().toString(36).slice(2, 8)}`;
      const writer = new FaultClient({ urls, home: 1, project });
      expect((await writer.call('publish_event', { topic: 'before' })).ok).toBe(true);
      const stream = collectStreamIds(urls[0]!, project, 0, 2, 15_000);
      await sleep(500);
      await stallThroughEngineRestart(async () => {
        expect((await writer.call('publish_event', { topic: 'while-stalled' })).ok).toBe(true);
      });
      // No later event comes to nudge it: the coordinator must notice what it missed by itself.
      expect(await stream.ids, 'the stream on coordinator 0').toEqual([1, 2]);
    }, 90_000);

    it('never skips an event on a stalled coordinator whose first news of a project comes after an engine restart', async () => {
      const urls = team!.urls;
      const project = `fault-stall-${Math.random().toString(36).slice(2, 8)}`;
      const writer = new FaultClient({ urls, home: 1, project });
      // Creates the project without an event: coordinator 0 has heard nothing of it yet.
      expect((await writer.call('delete_data', { scope: 's', key: 'k' })).ok).toBe(true);
      const stream = collectStreamIds(urls[0]!, project, 0, 2, 15_000);
      await sleep(500);
      await stallThroughEngineRestart(async () => {
        expect((await writer.call('publish_event', { topic: 'while-stalled' })).ok).toBe(true);
      });
      await sleep(1_000);
      expect((await writer.call('publish_event', { topic: 'after' })).ok).toBe(true);
      expect(await stream.ids, 'the stream on coordinator 0').toEqual([1, 2]);
    }, 90_000);

    describe(`under ${SECONDS} s of SIGKILLed coordinators and one engine restart`, () => {
      let run: RunResult;

      beforeAll(async () => {
        const began = Date.now();
        const note = (message: string): void => {
          console.log(`[fault ${kind}] +${((Date.now() - began) / 1000).toFixed(1)} s ${message}`);
        };
        run = await faultRun(engine!, team!, { seconds: SECONDS, clients: CLIENTS, loadProcesses: 3, locks: 4, tasks: Math.max(150, SECONDS * 12), chaos: CHAOS, note });
        console.log(summary(kind, run));
        if (DUMP !== undefined) writeFileSync(`${DUMP}-${kind}.json`, JSON.stringify({ ...run, finalStatus: [...run.finalStatus] }));
      }, (SECONDS + 360) * 1000);

      it('keeps a gap-free log', () => {
        expect(checkLogIds(run.log)).toEqual([]);
      });

      it('never lets two clients into the protected resource of one exclusive lock at once', () => {
        expect(linesOf(run.lines, 'grant').length).toBeGreaterThan(0);
        expect(checkExclusion(run.writes, run.log)).toEqual([]);
      });

      it('grants strictly increasing tokens per lock, never over a live holder, and logs every acknowledged grant', () => {
        expect(checkLockLog(run.log, run.lines, run.locks)).toEqual([]);
      });

      it('completes every task exactly once, never under two live claims, and loses none', () => {
        expect(checkTasks(run.log, run.lines, run.taskIds, run.finalStatus)).toEqual([]);
      });

      it('gives every resuming consumer each later event exactly once and in order, on every coordinator', () => {
        expect(run.consumers).toHaveLength(6);
        expect(checkConsumers(run.consumers, run.log, run.finalId)).toEqual([]);
      });

      it('answers no call with an internal error', () => {
        expect(linesOf(run.lines, 'anomaly')).toEqual([]);
      });
    });
  });
}
