/**
 * @module Store.limits: the counters behind limits per caller, shared by every
 * coordinator process on the store. Fixed windows (a count per key and window,
 * forgotten when the window ends) for request rates, and holds (a bounded set of
 * holders per key, each with an expiry) for concurrent waits: a process that dies
 * holding one frees it when it expires. Time is passed in, so a fake clock drives
 * every engine. These writes are not coordination steps: no events, no project.
 */

/** One hit to count: `key` in fixed windows of `windowMs` (aligned on multiples of it). */
export interface WindowHit {
  key: string;
  windowMs: number;
}

/** What a window holds after the hit: the count (the hit included) and when the window ends (epoch ms). */
export interface WindowCount {
  count: number;
  resetAt: number;
}

/** A key of holds and how many live holders it allows. */
export interface HoldLimit {
  key: string;
  max: number;
}

export interface LimitStore {
  /** Counts one hit on every key, in one round trip; answers their windows in the same order. */
  hit(hits: readonly WindowHit[], now: number): Promise<WindowCount[]>;
  /**
   * Takes a hold for `holder` on every key until `expiresAt`, all or none, atomically across
   * processes: answers -1 when taken, else the index of the first key that has `max` live
   * holders already (expired ones do not count; a holder re-taking its own hold renews it).
   */
  hold(limits: readonly HoldLimit[], holder: string, expiresAt: number, now: number): Promise<number>;
  /** Gives back `holder`'s holds on these keys. */
  release(keys: readonly string[], holder: string): Promise<void>;
  /** Forgets windows and holds that ended before `now` (an engine with native expiry has nothing to do). */
  purge(now: number): Promise<void>;
}

/** The window of `now` for a given length: its start and end. */
export function windowOf(now: number, windowMs: number): { start: number; end: number } {
  const start = Math.floor(now / windowMs) * windowMs;
  return { start, end: start + windowMs };
}
