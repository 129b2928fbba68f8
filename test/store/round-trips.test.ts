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

/** `open(namespace)` opens a store on that schema or key prefix: two stores on one namespace share the data, not a cache. */
const engines: { name: string; open: (namespace?: string) => Promise<Store>; budget: Budget; cold?: Omit<Budget, 'counts'> }[] = [
  // SQLite runs in process: these are statements, each microseconds, not network round trips.
  // complete reads the live intents too: a completed task marks the intents announced for it done.
  { name: 'sqlite', open: () => Promise.resolve(createSqliteStore({ path: ':memory:' })), budget: { acquire: 7, release: 7, claim: 7, complete: 8, heartbeat: 4, putState: 6, counts: 4 } },
  // The counts are four statements on PostgreSQL, sent together (one round trip of latency).
  // Cold: the hot rows (one statement; on Redis one pipeline of 4 commands), each other kind of row the call needs, the apply.
  {
    name: 'postgres',
    open: (namespace = randomUUID().slice(0, 8)) => createPostgresStore({ connectionString: PG_URL, schema: `rt_${namespace}` }),
    budget: { acquire: 1, release: 1, claim: 1, complete: 1, heartbeat: 1, putState: 1, counts: 4 },
    cold: { acquire: 2, release: 2, claim: 4, complete: 5, heartbeat: 2, putState: 3 },
  },
  {
    name: 'redis',
    open: (namespace = randomUUID().slice(0, 8)) => createRedisStore({ url: REDIS_URL, prefix: `baton-rt-${namespace}` }),
    budget: { acquire: 1, release: 1, claim: 1, complete: 1, heartbeat: 1, putState: 1, counts: 1 },
    cold: { acquire: 5, release: 5, claim: 7, complete: 8, heartbeat: 5, putState: 6 },
  },
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

describe.each(engines.filter((e) => e.cold))('round trips per call on a cold cache on $name', ({ open, cold }) => {
  it('loads the hot rows once, then only the other rows the call needs, then applies', async () => {
    // Each call is the first of a fresh store (a process that has not seen the project) on a project another one set up.
    const namespace = randomUUID().slice(0, 8);
    const project = `rt-${namespace}`;
    const ctx = (store: Store): MutationContext => ({ project, now: store.clock.now(), agent: { id: 'alice', thresholds: DEFAULT_THRESHOLDS } });
    const setup = await open(namespace);
    await setup.registerMember({ project, now: setup.clock.now() }, { id: 'alice', name: 'Alice', kind: 'agent', modules: [], metadata: {}, service: null });
    await setup.addTasks(ctx(setup), Array.from({ length: 4 }, (_, i) => ({ id: `t${i}`, title: 'T', description: '', dependencies: [], priority: 0, labels: [], files: [] })), 'alice');
    await setup.putState(ctx(setup), { scope: 's', key: 'k', value: 0, actor: 'alice' });
    const claimed = await setup.claimTask(ctx(setup), { agent: 'alice', ttlMs: 60_000 });
    const task = claimed.result.ok ? claimed.result.task : undefined;
    await setup.close();
    const first = async (call: (store: Store) => Promise<unknown>): Promise<number> => {
      const store = await open(namespace);
      opened.push(store);
      const before = store.stats.roundTrips;
      await call(store);
      return store.stats.roundTrips - before;
    };
    const lock = { kind: 'lock' as const, resource: 'pytest', paths: [], holder: 'alice', mode: 'exclusive' as const, limit: null, ttlMs: 60_000, reason: null };
    const measured = {
      acquire: await first((s) => s.acquireLease(ctx(s), { request: lock, force: false, thresholds: DEFAULT_THRESHOLDS })),
      release: await first((s) => s.releaseLease(ctx(s), { kind: 'lock', resource: 'pytest', holder: 'alice' })),
      claim: await first((s) => s.claimTask(ctx(s), { agent: 'alice', ttlMs: 60_000 })),
      complete: await first((s) => s.updateTask(ctx(s), { taskId: task?.id ?? '', agent: 'alice', token: task?.claim?.token ?? 0, status: 'done', renew: false })),
      heartbeat: await first((s) => s.heartbeat(ctx(s), { id: 'alice', activity: 'working', currentFile: null, metadata: undefined })),
      putState: await first((s) => s.putState(ctx(s), { scope: 's', key: 'k', value: 1, actor: 'alice' })),
    };
    expect(measured, 'round trips per call on a cold cache').toEqual(cold);
  }, 30_000);
});
