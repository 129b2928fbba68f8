/**
 * @module The SQLite store against the conformance suite (in memory and on a
 * file), plus what only SQLite has: two connections racing on one file, data
 * surviving a reopen, and a group-commit batch where one failing job rolls back
 * alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isCoordinationError } from '../../core/errors.js';
import { createFakeClock, describeStoreConformance } from '../conformance/index.js';
import { THRESHOLDS } from '../conformance/harness.js';
import type { Store } from '../store.js';
import { createSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-sqlite-test-'));
let fileCount = 0;
const freshFile = (): string => join(dir, `store-${process.pid}-${++fileCount}.db`);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describeStoreConformance('sqlite in memory', ({ clock }) => Promise.resolve(createSqliteStore({ path: ':memory:', clock })));
describeStoreConformance('sqlite on a file', ({ clock }) => Promise.resolve(createSqliteStore({ path: freshFile(), clock })));

describe('SQLite store', () => {
  const open: Store[] = [];
  const openStore = (path: string, clock = createFakeClock()): Store => {
    const store = createSqliteStore({ path, clock, busyTimeoutMs: 5_000 });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close().catch(() => undefined);
  });

  const project = (): string => `sqlite-${Math.random().toString(36).slice(2, 10)}`;
  const ctx = (p: string, now: number) => ({ project: p, now });

  it('never double-grants when two connections on one file race', async () => {
    const path = freshFile();
    const clock = createFakeClock();
    const [a, b] = [openStore(path, clock), openStore(path, clock)];
    const p = project();
    const lockRequest = (holder: string) => ({
      request: { kind: 'lock' as const, resource: 'deploy', paths: [], holder, mode: 'exclusive' as const, limit: null, ttlMs: 60_000, reason: null },
      force: false,
      thresholds: THRESHOLDS,
    });
    const acquires = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).acquireLease(ctx(p, clock.now()), lockRequest(`agent-${i}`))));
    expect(acquires.filter((w) => w.result.ok)).toHaveLength(1);

    await a.addTasks(ctx(p, clock.now()), Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, title: 'T', description: '', dependencies: [], priority: 0, labels: [], files: [] })), null);
    const claims = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).claimTask(ctx(p, clock.now()), { agent: `agent-${i}`, ttlMs: 60_000 })));
    const claimed = claims.flatMap((w) => (w.result.ok ? [w.result.task.id] : []));
    expect(claimed).toHaveLength(10);
    expect(new Set(claimed).size).toBe(10);

    const increment = async (store: Store): Promise<void> => {
      for (;;) {
        const current = await store.getState(p, 's', 'n', clock.now());
        try {
          await store.putState(ctx(p, clock.now()), { scope: 's', key: 'n', value: ((current?.value as number | undefined) ?? 0) + 1, actor: null, ifVersion: current?.version ?? 0 });
          return;
        } catch (error) {
          if (!isCoordinationError(error) || error.code !== 'VERSION_CONFLICT') throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, i) => increment(i % 2 ? a : b)));
    expect(await a.getState(p, 's', 'n', clock.now())).toMatchObject({ value: 16, version: 16 });

    const events = (await b.readEvents({ project: p, after: 0, limit: 1000 })).events;
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  });

  it('keeps committed data across close and reopen', async () => {
    const path = freshFile();
    const clock = createFakeClock();
    const p = project();
    const first = createSqliteStore({ path, clock });
    await first.registerMember(ctx(p, clock.now()), { id: 'alice', name: 'Alice', kind: 'agent', modules: [], metadata: { branch: 'x' }, service: null });
    await first.putState(ctx(p, clock.now()), { scope: 's', key: 'k', value: { deep: [1] }, actor: 'alice' });
    const lease = await first.acquireLease(ctx(p, clock.now()), {
      request: { kind: 'lock', resource: 'deploy', paths: [], holder: 'alice', mode: 'exclusive', limit: null, ttlMs: 60_000, reason: 'release' },
      force: false,
      thresholds: THRESHOLDS,
    });
    await first.close();

    const second = openStore(path, clock);
    expect(await second.getMember(p, 'alice')).toMatchObject({ metadata: { branch: 'x' } });
    expect(await second.getState(p, 's', 'k', clock.now())).toMatchObject({ value: { deep: [1] }, version: 1 });
    expect((await second.listLeases(p, clock.now())).map((l) => l.token)).toEqual([lease.result.ok ? lease.result.lease.token : -1]);
    const next = await second.acquireLease(ctx(p, clock.now()), {
      request: { kind: 'lock', resource: 'other', paths: [], holder: 'alice', mode: 'exclusive', limit: null, ttlMs: 60_000, reason: null },
      force: false,
      thresholds: THRESHOLDS,
    });
    expect(next.result.ok && lease.result.ok && next.result.lease.token > lease.result.lease.token).toBe(true);
    expect((await second.readEvents({ project: p, after: 0, limit: 100 })).lastId).toBe(4);
  });

  it('rolls back only the failing call of a group-commit batch', async () => {
    const clock = createFakeClock();
    const store = openStore(':memory:', clock);
    const p = project();
    const task = (id: string, dependencies: string[] = []) => ({ id, title: id, description: '', dependencies, priority: 0, labels: [], files: [] });
    // Issued in one tick, these calls share one transaction: the cycle fails inside it.
    const outcomes = await Promise.allSettled([
      store.addTasks(ctx(p, clock.now()), [task('a')], null),
      store.addTasks(ctx(p, clock.now()), [task('x', ['y']), task('y', ['x'])], null),
      store.putState(ctx(p, clock.now()), { scope: 's', key: 'k', value: 1, actor: null }),
      store.putState(ctx(p, clock.now()), { scope: 's', key: 'k', value: 2, actor: null, ifVersion: 7 }),
      store.publishEvent(ctx(p, clock.now()), null, 'after', null),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { code: 'TASK_CYCLE' } });
    expect(outcomes[3]).toMatchObject({ status: 'rejected', reason: { code: 'VERSION_CONFLICT' } });
    expect((await store.listTasks(p, { limit: 10 })).map((t) => t.id)).toEqual(['a']);
    expect(await store.getState(p, 's', 'k', clock.now())).toMatchObject({ value: 1, version: 1 });
    const events = (await store.readEvents({ project: p, after: 0, limit: 100 })).events;
    expect(events.map((e) => [e.id, e.type])).toEqual([[1, 'task.added'], [2, 'state.stored'], [3, 'custom']]);
  });

  it('refuses calls after close with STORE_UNAVAILABLE', async () => {
    const store = createSqliteStore({ path: ':memory:', clock: createFakeClock() });
    await store.close();
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
