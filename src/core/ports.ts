/**
 * @module The tiny interfaces the core and hub need from the outside world:
 * time and fresh ids. Injected so tests drive time and every backend is deterministic.
 */

/** Wall-clock source in epoch milliseconds. Lease expiry is decided by the store's clock. */
export interface Clock {
  now(): number;
}

/** Source of fresh, unique, URL-safe ids. */
export interface IdSource {
  next(prefix: string): string;
}
