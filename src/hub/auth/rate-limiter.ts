/**
 * @module Fixed-window counters per key (an address, a token), on an injected
 * clock: `hit` counts one attempt and refuses with RATE_LIMITED and `retry_after`
 * once a key passed its limit in the current window. Kept in this process's
 * memory: behind a load balancer each coordinator counts its own share.
 */
import type { Clock } from '../../core/ports.js';
import { CoordinationError } from '../../core/errors.js';

export interface RateLimit {
  /** Attempts allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimiter {
  /** Counts one attempt for `key`; throws RATE_LIMITED when it is over the limit. */
  hit(key: string): void;
  /** Throws RATE_LIMITED when `key` is over the limit, without counting. */
  check(key: string): void;
  /** Counts one attempt that was already answered (a failed authentication). */
  count(key: string): void;
}

/** Keys kept before the oldest windows are forgotten (a flood of distinct keys cannot grow memory without bound). */
const MAX_KEYS = 100_000;

export function createRateLimiter(limit: RateLimit, clock: Clock, what: string): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();

  function current(key: string): { start: number; count: number } {
    const now = clock.now();
    let window = windows.get(key);
    if (!window || now - window.start >= limit.windowMs) {
      if (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value ?? '');
      window = { start: now, count: 0 };
      windows.delete(key);
      windows.set(key, window);
    }
    return window;
  }

  function refuse(window: { start: number }): never {
    const retryAfter = Math.max(1, Math.ceil((window.start + limit.windowMs - clock.now()) / 1000));
    throw new CoordinationError('RATE_LIMITED', `Too many ${what}: at most ${limit.limit} per ${limit.windowMs / 1000} s.`, { retry_after: retryAfter, limit: limit.limit });
  }

  return {
    hit(key) {
      const window = current(key);
      window.count += 1;
      if (window.count > limit.limit) refuse(window);
    },
    check(key) {
      const window = current(key);
      if (window.count >= limit.limit) refuse(window);
    },
    count(key) {
      current(key).count += 1;
    },
  };
}
