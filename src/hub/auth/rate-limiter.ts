/**
 * @module Fixed-window rate limits per key (a token, an agent, an address),
 * counted in the store (Store.limits) so every coordinator process on it shares
 * them: behind a load balancer a caller gets its limit once, not once per process.
 * A key found over its limit is remembered here until its window ends, so a flood
 * is refused without a round trip, and a limit that only counts refusals (failed
 * authentications) is checked on every request without one.
 */
import type { Clock } from '../../core/ports.js';
import { CoordinationError } from '../../core/errors.js';
import type { LimitStore } from '../../store/limits-port.js';

export interface RateRule {
  /** Names the counter in the store (`<name>:<key>`). */
  name: string;
  /** Attempts allowed per window; 0 is no limit. */
  limit: number;
  windowMs: number;
  /** What is counted, for the refusal: "requests with this token". */
  what: string;
}

export interface RateLimiter {
  /** Counts one attempt under each rule for its key, in one round trip; RATE_LIMITED for the first over its limit. */
  hit(entries: readonly (readonly [RateRule, string])[]): Promise<void>;
  /** RATE_LIMITED when `key` was found over the rule's limit in the current window; no round trip. */
  check(rule: RateRule, key: string): void;
  /** Counts one attempt that was already answered (a refused authentication), so later checks refuse. */
  count(rule: RateRule, key: string): Promise<void>;
}

/** Refused authentications per address, one count for every surface (HTTP, MQTT): the address is refused for the rest of the minute. */
export const authFailureRule = (perMinute: number): RateRule => ({ name: 'auth-failures', limit: perMinute, windowMs: 60_000, what: 'failed authentications from this address' });

/** Over-limit keys remembered at most (a flood of distinct keys cannot grow memory without bound). */
const MAX_REFUSED = 100_000;

export function createRateLimiter(limits: LimitStore, clock: Clock): RateLimiter {
  /** Store key → when its window ends, for keys over their limit. */
  const refused = new Map<string, number>();
  const storeKey = (rule: RateRule, key: string): string => `${rule.name}:${key}`;

  function refusal(rule: RateRule, resetAt: number): CoordinationError {
    const retryAfter = Math.max(1, Math.ceil((resetAt - clock.now()) / 1000));
    return new CoordinationError('RATE_LIMITED', `Too many ${rule.what}: at most ${rule.limit} per ${rule.windowMs / 1000} s.`, { retry_after: retryAfter, limit: rule.limit, window_s: rule.windowMs / 1000 });
  }
  function remembered(rule: RateRule, key: string): CoordinationError | undefined {
    const until = refused.get(storeKey(rule, key));
    if (until === undefined) return undefined;
    if (until > clock.now()) return refusal(rule, until);
    refused.delete(storeKey(rule, key));
    return undefined;
  }
  function remember(rule: RateRule, key: string, resetAt: number): void {
    if (refused.size >= MAX_REFUSED) refused.delete(refused.keys().next().value ?? '');
    refused.set(storeKey(rule, key), resetAt);
  }

  /** Counts the entries; `answered` attempts were served already, so reaching the limit (not passing it) refuses what follows. */
  async function counted(entries: readonly (readonly [RateRule, string])[], answered: boolean): Promise<CoordinationError | undefined> {
    const live = entries.filter(([rule]) => rule.limit > 0);
    if (live.length === 0) return undefined;
    for (const [rule, key] of live) {
      const known = remembered(rule, key);
      if (known) return known;
    }
    const windows = await limits.hit(live.map(([rule, key]) => ({ key: storeKey(rule, key), windowMs: rule.windowMs })), clock.now());
    let first: CoordinationError | undefined;
    live.forEach(([rule, key], i) => {
      const window = windows[i];
      if (!window || window.count < rule.limit + (answered ? 0 : 1)) return;
      remember(rule, key, window.resetAt);
      first ??= refusal(rule, window.resetAt);
    });
    return first;
  }

  return {
    async hit(entries) {
      const error = await counted(entries, false);
      if (error) throw error;
    },
    check(rule, key) {
      if (rule.limit <= 0) return;
      const error = remembered(rule, key);
      if (error) throw error;
    },
    async count(rule, key) {
      await counted([[rule, key]], true);
    },
  };
}
