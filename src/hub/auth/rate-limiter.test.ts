import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

describe('rate limiter', () => {
  it('allows the limit per window, refuses with retry_after, and opens again when the window turns', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000 }, { now: () => now }, 'registrations');
    for (let i = 0; i < 3; i++) limiter.hit('10.0.0.1');
    expect(() => { limiter.hit('10.0.0.1'); }).toThrow(expect.objectContaining({ code: 'RATE_LIMITED', details: { retry_after: 60, limit: 3 } }) as Error);
    limiter.hit('10.0.0.2');
    now += 45_000;
    expect(() => { limiter.check('10.0.0.1'); }).toThrow(expect.objectContaining({ details: { retry_after: 15, limit: 3 } }) as Error);
    now += 15_000;
    expect(() => { limiter.hit('10.0.0.1'); }).not.toThrow();
  });

  it('check does not count', () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000 }, { now: () => 0 }, 'x');
    for (let i = 0; i < 5; i++) limiter.check('k');
    limiter.hit('k');
    expect(() => { limiter.check('k'); }).toThrow();
  });
});
