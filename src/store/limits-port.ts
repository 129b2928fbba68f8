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
function windowOf(now: number, windowMs: number): { start: number; end: number } {
  const start = Math.floor(now / windowMs) * windowMs;
  return { start, end: start + windowMs };
}

/** Hits on one window, added together: what an engine writes for a batch of hits. */
export interface WindowIncrement {
  key: string;
  windowEnd: number;
  by: number;
}

/**
 * Hits that arrive in the same turn of the event loop go to the engine as one
 * call, duplicates added together (`increment` answers each window's count after
 * its increment): many callers cost one round trip, as the step batches do.
 */
export function batchHits(increment: (windows: WindowIncrement[], now: number) => Promise<number[]>): LimitStore['hit'] {
  interface Pending { hits: readonly WindowHit[]; now: number; resolve(counts: WindowCount[]): void; reject(error: unknown): void }
  let queue: Pending[] = [];

  async function flush(batch: Pending[]): Promise<void> {
    const windows = new Map<string, WindowIncrement>();
    /** For each hit of each caller: its window and how many hits of the batch came before it there. */
    const places = batch.map(({ hits, now }) =>
      hits.map(({ key, windowMs }) => {
        const windowEnd = windowOf(now, windowMs).end;
        const id = `${windowEnd}\u0000${key}`;
        const window = windows.get(id) ?? { key, windowEnd, by: 0 };
        windows.set(id, window);
        window.by += 1;
        return { window, before: window.by - 1 };
      }));
    try {
      const list = [...windows.values()];
      const counts = await increment(list, Math.max(...batch.map((p) => p.now)));
      const after = new Map(list.map((w, i) => [w, counts[i] ?? 0]));
      batch.forEach((pending, i) => {
        pending.resolve((places[i] ?? []).map(({ window, before }) => ({ count: (after.get(window) ?? 0) - window.by + before + 1, resetAt: window.windowEnd })));
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  return (hits, now) =>
    new Promise<WindowCount[]>((resolve, reject) => {
      if (hits.length === 0) {
        resolve([]);
        return;
      }
      queue.push({ hits, now, resolve, reject });
      if (queue.length > 1) return;
      setImmediate(() => {
        const batch = queue;
        queue = [];
        void flush(batch);
      });
    });
}
