import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock } from '../../store/conformance/fake-clock.js';
import { createSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { createRateLimiter, type RateRule } from './rate-limiter.js';

const REGISTRATIONS: RateRule = { name: 'reg', limit: 3, windowMs: 60_000, what: 'registrations' };
const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function setup(start = 1_700_000_040_000) {
  const clock = createFakeClock(start);
  const store = createSqliteStore({ path: ':memory:', clock });
  stores.push(store);
  return { clock, store, limiter: createRateLimiter(store.limits, clock) };
}

describe('rate limiter', () => {
  it('allows the limit per window, refuses with retry_after, and opens again when the window turns', async () => {
    const { clock, limiter } = setup();
    for (let i = 0; i < 3; i++) await limiter.hit([[REGISTRATIONS, '10.0.0.1']]);
    await expect(limiter.hit([[REGISTRATIONS, '10.0.0.1']])).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { retry_after: 60, limit: 3, window_s: 60 } });
    await limiter.hit([[REGISTRATIONS, '10.0.0.2']]);
    clock.advance(45_000);
    expect(() => { limiter.check(REGISTRATIONS, '10.0.0.1'); }).toThrow(expect.objectContaining({ details: { retry_after: 15, limit: 3, window_s: 60 } }) as Error);
    clock.advance(15_000);
    await limiter.hit([[REGISTRATIONS, '10.0.0.1']]);
  });

  it('counts answered attempts: reaching the limit refuses the next check, in this process and in another on the same store', async () => {
    const { clock, store, limiter } = setup();
    const failures: RateRule = { name: 'auth', limit: 2, windowMs: 60_000, what: 'failed authentications' };
    limiter.check(failures, 'a');
    await limiter.count(failures, 'a');
    limiter.check(failures, 'a');
    // A second process's limiter over the same store: its count is the second, which reaches the limit.
    const other = createRateLimiter(store.limits, clock);
    await other.count(failures, 'a');
    expect(() => { other.check(failures, 'a'); }).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }) as Error);
    // The first learns it at its next counted attempt.
    await limiter.count(failures, 'a');
    expect(() => { limiter.check(failures, 'a'); }).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }) as Error);
  });

  it('checks several rules in one round trip, names the first over its limit, and treats 0 as no limit', async () => {
    const { store, limiter } = setup();
    const token: RateRule = { name: 'tok', limit: 1, windowMs: 10_000, what: 'requests with this token' };
    const agent: RateRule = { name: 'agt', limit: 5, windowMs: 10_000, what: 'requests as this agent' };
    const off: RateRule = { name: 'off', limit: 0, windowMs: 10_000, what: 'nothing' };
    const before = store.stats.roundTrips;
    await limiter.hit([[token, 't'], [agent, 'a'], [off, 'x']]);
    // SQLite counts statements: one upsert per limited key, none for the rule that is off.
    expect(store.stats.roundTrips - before).toBe(2);
    await expect(limiter.hit([[agent, 'a'], [token, 't']])).rejects.toMatchObject({ message: expect.stringContaining('requests with this token') as string });
    // Refused keys are remembered: no round trip until the window ends.
    const refusedAt = store.stats.roundTrips;
    await expect(limiter.hit([[token, 't']])).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(store.stats.roundTrips).toBe(refusedAt);
    for (let i = 0; i < 10; i++) await limiter.hit([[off, 'x']]);
  });
});
