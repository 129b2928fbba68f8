/**
 * @module Conformance cases for Store.limits: fixed windows that count every hit
 * and start again when the window ends (on the store's clock as passed in), and
 * holds bounded per key, all or none, renewed by their holder, freed by release
 * or expiry, and never over the bound under concurrency.
 */
import { expect } from 'vitest';
import { MINUTE, SECOND, type Harness } from './harness.js';

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

  it('grants exactly the bound of holds to 32 concurrent holders', async (t) => {
    const key = `waits:${t.project}`;
    const until = t.clock.now() + MINUTE;
    const taken = await Promise.all(Array.from({ length: 32 }, (_, i) => t.store.limits.hold([{ key, max: 5 }], `h${i}`, until, t.clock.now())));
    expect(taken.filter((r) => r === -1)).toHaveLength(5);
  });
}
