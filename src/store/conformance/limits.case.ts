/**
 * @module Conformance cases for Store.limits: fixed windows that count every hit
 * and start again when the window ends (on the store's clock as passed in), and
 * holds bounded per key, all or none, renewed by their holder, freed by release
 * or expiry, and never over the bound under concurrency.
 */
import { expect } from 'vitest';
import type { AcquireInput } from '../store.js';
import { expectCode, MINUTE, SECOND, THRESHOLDS, type Harness, type StoreTestEnv } from './harness.js';

const member = (t: StoreTestEnv, id: string, maxMembers: number) =>
  t.store.registerMember(t.ctx(), { id, name: id, kind: 'agent', modules: [], metadata: {}, service: null, maxMembers });

const queue = (t: StoreTestEnv, holder: string, maxWaiters: number): Promise<unknown> => {
  const input: AcquireInput = {
    request: { kind: 'lock', resource: 'deploy', paths: [], holder, mode: 'exclusive', limit: null, ttlMs: MINUTE, reason: null },
    force: false, queueUntil: t.clock.now() + MINUTE, thresholds: THRESHOLDS, maxWaiters,
  };
  return t.store.acquireLease(t.ctx(), input);
};

export function limitCases({ it }: Harness): void {
  it('counts hits per key in fixed windows that start again when they end', async (t) => {
    const key = `rate:${t.project}`;
    const now = Math.ceil(t.clock.now() / MINUTE) * MINUTE + 10 * SECOND;
    t.clock.set(now);
    const first = await t.store.limits.hit([{ key, windowMs: MINUTE }], t.clock.now());
    expect(first).toEqual([{ count: 1, resetAt: now - 10 * SECOND + MINUTE }]);
    const [two, other] = await t.store.limits.hit([{ key, windowMs: MINUTE }, { key: `${key}:other`, windowMs: MINUTE }], t.clock.now());
    expect([two?.count, other?.count]).toEqual([2, 1]);
    t.clock.advance(49 * SECOND);
    expect((await t.store.limits.hit([{ key, windowMs: MINUTE }], t.clock.now()))[0]?.count).toBe(3);
    t.clock.advance(SECOND);
    // The next window: counting starts again, and a purge of ended windows loses nothing live.
    expect((await t.store.limits.hit([{ key, windowMs: MINUTE }], t.clock.now()))[0]).toEqual({ count: 1, resetAt: now - 10 * SECOND + 2 * MINUTE });
    await t.store.limits.purge(t.clock.now());
    expect((await t.store.limits.hit([{ key, windowMs: MINUTE }], t.clock.now()))[0]?.count).toBe(2);
  });

  it('loses no hit under 50 concurrent callers', async (t) => {
    const key = `rate:${t.project}`;
    const counts = await Promise.all(Array.from({ length: 50 }, () => t.store.limits.hit([{ key, windowMs: 10 * MINUTE }], t.clock.now())));
    expect(counts.map((c) => c[0]?.count).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('takes holds up to the bound of each key, all or none, renewed by their holder and freed by release or expiry', async (t) => {
    const a = `waits:${t.project}:a`;
    const b = `waits:${t.project}:b`;
    const until = t.clock.now() + MINUTE;
    expect(await t.store.limits.hold([{ key: a, max: 2 }, { key: b, max: 1 }], 'h1', until, t.clock.now())).toBe(-1);
    // b is full: nothing is taken on a either.
    expect(await t.store.limits.hold([{ key: a, max: 2 }, { key: b, max: 1 }], 'h2', until, t.clock.now())).toBe(1);
    expect(await t.store.limits.hold([{ key: a, max: 2 }], 'h3', until, t.clock.now())).toBe(-1);
    expect(await t.store.limits.hold([{ key: a, max: 2 }], 'h4', until, t.clock.now())).toBe(0);
    // Its own hold again is a renewal, not one more.
    expect(await t.store.limits.hold([{ key: a, max: 2 }, { key: b, max: 1 }], 'h1', until + MINUTE, t.clock.now())).toBe(-1);
    await t.store.limits.release([a, b], 'h1');
    expect(await t.store.limits.hold([{ key: a, max: 2 }, { key: b, max: 1 }], 'h2', until, t.clock.now())).toBe(-1);
    // h3's and h2's holds on a expire; a holder that died frees its place.
    t.clock.set(until);
    expect(await t.store.limits.hold([{ key: a, max: 2 }], 'h5', until + MINUTE, t.clock.now())).toBe(-1);
    expect(await t.store.limits.hold([{ key: a, max: 2 }], 'h6', until + MINUTE, t.clock.now())).toBe(-1);
    await t.store.limits.purge(t.clock.now());
    expect(await t.store.limits.hold([{ key: a, max: 2 }], 'h7', until + MINUTE, t.clock.now())).toBe(0);
    await t.store.limits.release([], 'nobody');
  });

  it('refuses a new live member past maxMembers inside the step, also under 20 concurrent registrations, and takes back an existing one', async (t) => {
    await member(t, 'a', 3);
    const flood = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => member(t, `m${i}`, 3)));
    expect(flood.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    await expectCode(member(t, 'late', 3), 'LIMIT_EXCEEDED');
    await member(t, 'a', 3);
    await t.store.signOff(t.ctx(), 'a');
    // A member that signed off comes back as a new one: it needs room again.
    await member(t, 'late', 3);
    await expectCode(member(t, 'a', 3), 'LIMIT_EXCEEDED');
  });

  it('queues at most maxWaiters callers on one resource, also when 20 arrive at once', async (t) => {
    await t.acquire('holder', 'deploy');
    const flood = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => queue(t, `w${i}`, 2)));
    expect(flood.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(flood.filter((r) => r.status === 'rejected').map((r) => (r).reason as { code?: string }).every((e) => e.code === 'LIMIT_EXCEEDED')).toBe(true);
    // A queued caller calling again keeps its place: no new waiter.
    const queued = await t.store.listWaiters(t.project, t.clock.now());
    expect(queued).toHaveLength(2);
    await queue(t, queued[0]?.request.holder ?? '', 2);
    expect(await t.store.listWaiters(t.project, t.clock.now())).toHaveLength(2);
  });

  it('grants exactly the bound of holds to 32 concurrent holders', async (t) => {
    const key = `waits:${t.project}`;
    const until = t.clock.now() + MINUTE;
    const taken = await Promise.all(Array.from({ length: 32 }, (_, i) => t.store.limits.hold([{ key, max: 5 }], `h${i}`, until, t.clock.now())));
    expect(taken.filter((r) => r === -1)).toHaveLength(5);
  });
}
