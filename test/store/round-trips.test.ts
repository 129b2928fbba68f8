/**
 * @module The cost of the hot calls, in round trips to each engine (statements on
 * SQLite and PostgreSQL, commands on Redis), once the project is warm: a lock
 * acquire and release, a claim and completion, a heartbeat, a state write, and
 * the counts coordinator_status shows. The
 * step engine's promise is one round trip per call on the shared engines; this
 * test keeps a chatty pattern from creeping back.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../src/core/presence/member.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createRedisStore } from '../../src/store/redis/redis-store.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { MutationContext, Store } from '../../src/store/store.js';

const PG_URL = process.env['BATON_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['BATON_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

interface Budget {
  acquire: number;
  release: number;
  claim: number;
  complete: number;
  heartbeat: number;
  putState: number;
  counts: number;
}

const engines: { name: string; open: () => Promise<Store>; budget: Budget }[] = [
  // SQLite runs in process: these are statements, each microseconds, not network round trips.
  // complete reads the live intents too: a completed task marks the intents announced for it done.
  { name: 'sqlite', open: () => Promise.resolve(createSqliteStore({ path: ':memory:' })), budget: { acquire: 7, release: 7, claim: 7, complete: 8, heartbeat: 4, putState: 6, counts: 4 } },
  // The counts are four statements on PostgreSQL, sent together (one round trip of latency).
  { name: 'postgres', open: () => createPostgresStore({ connectionString: PG_URL, schema: `rt_${randomUUID().slice(0, 8)}` }), budget: { acquire: 1, release: 1, claim: 1, complete: 1, heartbeat: 1, putState: 1, counts: 4 } },
  { name: 'redis', open: () => createRedisStore({ url: REDIS_URL, prefix: `baton-rt-${randomUUID().slice(0, 8)}` }), budget: { acquire: 1, release: 1, claim: 1, complete: 1, heartbeat: 1, putState: 1, counts: 1 } },
];

const opened: Store[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
});

describe.each(engines)('round trips per hot call on $name', ({ open, budget }) => {
  it('stays within one round trip per call on a warm project (statements on SQLite)', async () => {
    const store = await open();
    opened.push(store);
    const project = `rt-${randomUUID().slice(0, 8)}`;
    const ctx = (): MutationContext => ({ project, now: store.clock.now(), agent: { id: 'alice', thresholds: DEFAULT_THRESHOLDS } });
    const cost = async (call: () => Promise<unknown>): Promise<number> => {
      const before = store.stats.roundTrips;
      await call();
      return store.stats.roundTrips - before;
    };
    const lock = { kind: 'lock' as const, resource: 'pytest', paths: [], holder: 'alice', mode: 'exclusive' as const, limit: null, ttlMs: 60_000, reason: null };
    // Warm-up: the project, its member, a lock cycle, tasks added by this process, one state key.
    await store.registerMember({ project, now: store.clock.now() }, { id: 'alice', name: 'Alice', kind: 'agent', modules: [], metadata: {}, service: null });
    await store.acquireLease(ctx(), { request: lock, force: false, thresholds: DEFAULT_THRESHOLDS });
    await store.releaseLease(ctx(), { kind: 'lock', resource: 'pytest', holder: 'alice' });
    await store.addTasks(ctx(), Array.from({ length: 4 }, (_, i) => ({ id: `t${i}`, title: 'T', description: '', dependencies: [], priority: 0, labels: [], files: [] })), 'alice');
    const warm = await store.claimTask(ctx(), { agent: 'alice', ttlMs: 60_000 });
    if (!warm.result.ok) throw new Error('no task to warm up with');
    await store.updateTask(ctx(), { taskId: warm.result.task.id, agent: 'alice', token: warm.result.task.claim?.token ?? 0, status: 'done', renew: false });
    await store.putState(ctx(), { scope: 's', key: 'k', value: 0, actor: 'alice' });

    const measured: Budget = {
      acquire: await cost(() => store.acquireLease(ctx(), { request: lock, force: false, thresholds: DEFAULT_THRESHOLDS })),
      release: await cost(() => store.releaseLease(ctx(), { kind: 'lock', resource: 'pytest', holder: 'alice' })),
      claim: 0,
      complete: 0,
      heartbeat: await cost(() => store.heartbeat(ctx(), { id: 'alice', activity: 'working', currentFile: null, metadata: undefined })),
      putState: await cost(() => store.putState(ctx(), { scope: 's', key: 'k', value: 1, actor: 'alice' })),
      counts: await cost(() => store.countProject(project, store.clock.now())),
    };
    let claimed: Awaited<ReturnType<Store['claimTask']>> | undefined;
    measured.claim = await cost(async () => {
      claimed = await store.claimTask(ctx(), { agent: 'alice', ttlMs: 60_000 });
    });
    const task = claimed?.result.ok ? claimed.result.task : undefined;
    expect(task).toBeDefined();
    measured.complete = await cost(() => store.updateTask(ctx(), { taskId: task?.id ?? '', agent: 'alice', token: task?.claim?.token ?? 0, status: 'done', renew: false }));
    expect(measured, 'round trips per hot call (what grew is the key above its budget)').toEqual(budget);
  });
});
