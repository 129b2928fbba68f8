/**
 * @module The Redis store against the conformance suite, plus what only a
 * shared server has: two stores on separate connections racing on one project,
 * the event bus across two processes' buses, and a fast failure when Redis is
 * unreachable. Needs Redis on 127.0.0.1:6379; every store gets a random key
 * prefix whose keys are deleted after each test.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isCoordinationError } from '../../core/errors.js';
import type { BatonEvent } from '../../core/events/event.js';
import { createFakeClock, describeStoreConformance, type FakeClock } from '../conformance/index.js';
import { THRESHOLDS } from '../conformance/harness.js';
import type { Store } from '../store.js';
import { connectRedis } from './connection.js';
import { createLogFollowingBus } from '../../bus/log-following-bus.js';
import { createRedisNotifier } from './redis-notifier.js';
import { createKeys } from './keys.js';
import { createRedisStore, type RedisStoreOptions } from './redis-store.js';

const URL = process.env['BATON_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

let admin: Redis;
const prefixes: string[] = [];
const newPrefix = (): string => {
  const prefix = `baton-test-${randomUUID().slice(0, 8)}`;
  prefixes.push(prefix);
  return prefix;
};

beforeAll(async () => {
  admin = await connectRedis(URL);
});
afterEach(async () => {
  for (const prefix of prefixes.splice(0)) {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `{${prefix}[:}]*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== '0');
  }
});
afterAll(async () => {
  await admin.quit();
});

const open = (options: Partial<RedisStoreOptions> & { clock: FakeClock }): Promise<Store> => createRedisStore({ url: URL, prefix: newPrefix(), ...options });

describeStoreConformance('redis', ({ clock }) => open({ clock }));

describe('Redis store', () => {
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  /** Two stores on separate connections sharing one key prefix, like two coordinator processes. */
  async function twoStores(clock: FakeClock): Promise<[Store, Store]> {
    const prefix = newPrefix();
    const a = await createRedisStore({ url: URL, prefix, clock });
    const b = await createRedisStore({ url: URL, prefix, clock });
    stores.push(a, b);
    return [a, b];
  }
  const ctx = (project: string, clock: FakeClock) => ({ project, now: clock.now() });

  it('rebuilds a docIndex written before its members carried the sort, on the first read', async () => {
    const clock = createFakeClock();
    const prefix = newPrefix();
    const store = await createRedisStore({ url: URL, prefix, clock });
    stores.push(store);
    const ctx = { project: 'p', now: clock.now() };
    await store.registerMember(ctx, { id: 'a', kind: 'agent', name: 'a', modules: [], metadata: {}, service: null });
    await store.consult.recordEdits(ctx, 'a', ['x.ts', 'y.ts'], { thresholds: THRESHOLDS, editWindowMs: 60_000, editDecayMs: 120_000, editRetentionMs: 86_400_000, roundTimeoutMs: 60_000, maxRounds: 3, ackDueMs: 60_000 });
    // The members an older Baton wrote: K|O|S, kind and id, no sort.
    const index = createKeys(prefix).project('p').docIndex;
    await admin.del(index);
    for (const id of ['a|x.ts', 'a|y.ts']) await admin.zadd(index, 0, `K\u0000edit\u0000${id}`, 0, `O\u0000a\u0000edit\u0000${id}`, 0, `S\u0000edit\u0000edit\u0000${id}`);
    expect((await store.consult.listDocs('p', 'edit', { owner: 'a' }, 10)).map((d) => d.id)).toEqual(['a|x.ts', 'a|y.ts']);
    expect(await admin.zrangebylex(index, '[K', '(T')).toEqual([]);
    expect(await store.consult.listDocs('p', 'edit', { status: 'edit', from: clock.now() }, 1)).toHaveLength(1);
  });

  it('keeps every guarantee when two stores on separate connections race on one project', async () => {
    const clock = createFakeClock();
    const [a, b] = await twoStores(clock);
    const p = `race-${randomUUID().slice(0, 8)}`;
    const pick = (i: number): Store => (i % 2 ? a : b);
    const lock = (holder: string) => ({
      request: { kind: 'lock' as const, resource: 'deploy', paths: [], holder, mode: 'exclusive' as const, limit: null, ttlMs: 60_000, reason: null },
      force: false,
      thresholds: THRESHOLDS,
    });
    const acquires = await Promise.all(Array.from({ length: 32 }, (_, i) => pick(i).acquireLease(ctx(p, clock), lock(`agent-${i}`))));
    expect(acquires.filter((w) => w.result.ok)).toHaveLength(1);

    await a.addTasks(ctx(p, clock), Array.from({ length: 20 }, (_, i) => ({ id: `t${i}`, title: 'T', description: '', dependencies: [], priority: 0, labels: [], files: [] })), null);
    const claims = await Promise.all(Array.from({ length: 32 }, (_, i) => pick(i).claimTask(ctx(p, clock), { agent: `agent-${i}`, ttlMs: 60_000 })));
    const claimed = claims.flatMap((w) => (w.result.ok ? [w.result.task.id] : []));
    expect(claimed).toHaveLength(20);
    expect(new Set(claimed).size).toBe(20);

    const increment = async (store: Store): Promise<void> => {
      for (;;) {
        const current = await store.getState(p, 's', 'n', clock.now());
        try {
          await store.putState(ctx(p, clock), { scope: 's', key: 'n', value: ((current?.value as number | undefined) ?? 0) + 1, actor: null, ifVersion: current?.version ?? 0 });
          return;
        } catch (error) {
          if (!isCoordinationError(error) || error.code !== 'VERSION_CONFLICT') throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, (_, i) => increment(pick(i))));
    expect(await a.getState(p, 's', 'n', clock.now())).toMatchObject({ value: 32, version: 32 });

    const events = (await b.readEvents({ project: p, after: 0, limit: 1000 })).events;
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  });

  it('gets every step through when three stores keep conflicting on one project', async () => {
    const clock = createFakeClock();
    const prefix = newPrefix();
    const open3 = (): Promise<Store> => createRedisStore({ url: URL, prefix, clock });
    const [s0, s1, s2] = [await open3(), await open3(), await open3()];
    stores.push(s0, s1, s2);
    const pick = (i: number): Store => [s0, s1, s2][i % 3] ?? s0;
    const p = `contended-${randomUUID().slice(0, 8)}`;
    const written = await Promise.all(Array.from({ length: 60 }, (_, i) => pick(i).publishEvent(ctx(p, clock), null, 'n', i)));
    expect(written.map((w) => w.result.id).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect((await s0.readEvents({ project: p, after: 0, limit: 100 })).events).toHaveLength(60);
  });

  it('decides lock names that differ only in their separators like the shared rule', async () => {
    const clock = createFakeClock();
    const store = await open({ clock });
    stores.push(store);
    const p = `names-${randomUUID().slice(0, 8)}`;
    const lock = (holder: string, resource: string) =>
      store.acquireLease(ctx(p, clock), { request: { kind: 'lock', resource, paths: [], holder, mode: 'exclusive', limit: null, ttlMs: 60_000, reason: null }, force: false, thresholds: THRESHOLDS });
    expect((await lock('a', 'wave:5c.1')).result.ok).toBe(true);
    for (const name of ['wave:5c', 'wave:5c.1.x', 'wave']) expect((await lock('b', name)).result).toMatchObject({ ok: false, reason: 'held' });
    // Same levels, other separators: other names, so no conflict (core lockNamesRelated).
    for (const name of ['wave.5c', 'wave:5c:1', 'wave:5d']) expect((await lock('b', name)).result.ok).toBe(true);
    expect((await lock('a', 'wave:5c.1')).result).toMatchObject({ ok: true, renewed: true });
  });

  it('delivers events across two buses in log order, once each', async () => {
    const clock = createFakeClock();
    const [a, b] = await twoStores(clock);
    const prefix = prefixes.at(-1) ?? '';
    const busA = await createLogFollowingBus({ store: a, notifier: createRedisNotifier({ url: URL, prefix }) });
    const busB = await createLogFollowingBus({ store: b, notifier: createRedisNotifier({ url: URL, prefix }) });
    try {
      const p = `bus-${randomUUID().slice(0, 8)}`;
      const seenA: number[] = [];
      const seenB: BatonEvent[] = [];
      busA.subscribe(p, (e) => seenA.push(e.id));
      busB.subscribe('*', (e) => seenB.push(e));
      for (let i = 0; i < 10; i++) {
        const [store, bus] = i % 3 === 0 ? [b, busB] : [a, busA];
        bus.publish((await store.publishEvent(ctx(p, clock), null, 'n', i)).events);
      }
      await expect.poll(() => seenB.length, { timeout: 5_000 }).toBe(10);
      await expect.poll(() => seenA.length, { timeout: 5_000 }).toBe(10);
      expect(seenA).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(seenB.map((e) => [e.id, e.project])).toEqual(seenA.map((id) => [id, p]));
    } finally {
      await busA.close();
      await busB.close();
    }
  });

  it('fails fast with STORE_UNAVAILABLE when Redis is unreachable', async () => {
    const started = Date.now();
    const failure = await createRedisStore({ url: 'redis://127.0.0.1:1', prefix: newPrefix() }).then(
      () => new Error('connected'),
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((failure as Error).message).toContain('Cannot connect to Redis at redis://127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses calls after close with STORE_UNAVAILABLE', async () => {
    const store = await open({ clock: createFakeClock() });
    await store.close();
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.claimTask({ project: 'p', now: 1 }, { agent: 'a', ttlMs: 1 })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.putState({ project: 'p', now: 1 }, { scope: 's', key: 'k', value: 1, actor: null })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
