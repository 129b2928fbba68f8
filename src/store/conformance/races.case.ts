/**
 * @module Conformance races: many concurrent calls through one store must keep
 * the guarantees (one exclusive holder, no task claimed twice, no lost update,
 * tokens growing in grant order).
 */
import { expect } from 'vitest';
import { isCoordinationError } from '../../core/errors.js';
import { MINUTE, ofType, type Harness, type StoreTestEnv } from './harness.js';

const N = 32;
const agents = Array.from({ length: N }, (_, i) => `agent-${i}`);

async function increment(t: StoreTestEnv, agent: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const current = await t.store.getState(t.project, 'counters', 'n', t.clock.now());
    const version = current?.version ?? 0;
    try {
      await t.store.putState(t.ctx(), { scope: 'counters', key: 'n', value: ((current?.value as number | undefined) ?? 0) + 1, actor: agent, ifVersion: version });
      return attempt;
    } catch (error) {
      if (!isCoordinationError(error) || error.code !== 'VERSION_CONFLICT' || attempt > 10 * N) throw error;
    }
  }
}

export function raceCases({ it }: Harness): void {
  it('grants one exclusive lock to exactly one of 32 concurrent callers', async (t) => {
    const results = await Promise.all(agents.map((agent) => t.acquire(agent, 'deploy')));
    const winners = results.filter((w) => w.result.ok);
    expect(winners).toHaveLength(1);
    const leases = await t.store.listLeases(t.project, t.clock.now());
    expect(leases).toHaveLength(1);
    expect(winners[0]?.result).toMatchObject({ lease: { holder: leases[0]?.holder, token: leases[0]?.token } });
    expect(ofType(await t.events(), 'lease.acquired')).toHaveLength(1);
  });

  it('gives 20 tasks to 20 of 32 concurrent claimers, none twice', async (t) => {
    await t.addTasks(Array.from({ length: 20 }, (_, i) => ({ id: `task-${i}` })));
    const results = await Promise.all(agents.map((agent) => t.store.claimTask(t.ctx(), { agent, ttlMs: MINUTE })));
    const claimed = results.flatMap((w) => (w.result.ok ? [w.result.task] : []));
    expect(claimed).toHaveLength(20);
    expect(new Set(claimed.map((task) => task.id)).size).toBe(20);
    expect(new Set(claimed.map((task) => task.claim?.agent)).size).toBe(20);
    expect(results.filter((w) => !w.result.ok).map((w) => (w.result.ok ? '' : w.result.reason))).toEqual(Array(12).fill('none_ready'));
    const stored = await t.store.listTasks(t.project, { limit: 100 });
    expect(stored.every((task) => task.status === 'claimed' && task.attempts === 1)).toBe(true);
  });

  it('loses no update under 32 concurrent compare-and-set increments', async (t) => {
    await Promise.all(agents.map((agent) => increment(t, agent)));
    expect(await t.store.getState(t.project, 'counters', 'n', t.clock.now())).toMatchObject({ value: N, version: N });
  });

  it('issues tokens that strictly grow in grant order under concurrency', async (t) => {
    await Promise.all(agents.map((agent, i) => (i % 2 === 0 ? t.acquire(agent, `lock-${i}`) : t.reserve(agent, [`dir-${i}/**`]))));
    await t.addTasks([{ id: 'a' }, { id: 'b' }]);
    // One of the three wins 'handoff'; the release hands it to one queued waiter.
    await Promise.all([t.acquire('x', 'handoff'), t.acquire('y', 'handoff', { queueMs: MINUTE }), t.acquire('z', 'handoff', { queueMs: MINUTE })]);
    const holder = (await t.store.listLeases(t.project, t.clock.now(), 'lock')).find((l) => l.resource === 'handoff')?.holder ?? '';
    await Promise.all([
      t.store.claimTask(t.ctx(), { agent: 'p', ttlMs: MINUTE }),
      t.store.claimTask(t.ctx(), { agent: 'q', ttlMs: MINUTE }),
      t.store.releaseLease(t.ctx(), { kind: 'lock', resource: 'handoff', holder }),
    ]);
    const tokens = (await t.events()).flatMap((e) => (e.type === 'lease.acquired' || e.type === 'task.claimed' ? [e.data.token] : []));
    expect(tokens.length).toBe(N + 2 + 2);
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    expect(new Set(tokens).size).toBe(tokens.length);
  });
}
