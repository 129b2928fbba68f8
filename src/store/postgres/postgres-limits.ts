/**
 * @module Store.limits on PostgreSQL: the hits of a moment as one upsert statement,
 * and take_holds (migration 0006) checking and taking the holds of several keys all
 * or none, on unlogged tables (counters are not worth a WAL flush per request). One
 * round trip each, outside the step engine.
 */
import { batchHits, type LimitStore, type WindowIncrement } from '../limits-port.js';
import { num } from '../sql-rows.js';
import { translatePgError } from './postgres-errors.js';
import { rows, type Queryable } from './postgres-statements.js';

export function createPostgresLimits(db: Queryable): LimitStore {
  const translated = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw translatePgError(error);
    }
  };
  return {
    hit: batchHits((windows) => translated(async () => {
      // One row per key (a key in two windows at once keeps the later), locked in key order: two calls cannot deadlock.
      const byKey = new Map<string, WindowIncrement>();
      for (const w of windows) {
        const seen = byKey.get(w.key);
        if (!seen || seen.windowEnd < w.windowEnd) byKey.set(w.key, w);
      }
      const sorted = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const counted = new Map((await rows(db, 'hit_windows', [sorted.map((w) => w.key), sorted.map((w) => w.windowEnd), sorted.map((w) => w.by)])).map((r) => [String(r['key']), num(r['count'])]));
      return windows.map((w) => (byKey.get(w.key) === w ? (counted.get(w.key) ?? w.by) : w.by));
    })),
    hold: (limits, holder, expiresAt, now) => translated(async () => {
      const [row] = await rows(db, 'take_holds', [limits.map((l) => l.key), limits.map((l) => l.max), holder, expiresAt, now]);
      return num(row?.['full'] ?? 0) - 1;
    }),
    release: (keys, holder) => translated(async () => {
      if (keys.length > 0) await rows(db, 'release_holds', [keys, holder]);
    }),
    purge: (now) => translated(async () => {
      await rows(db, 'purge_limits', [now]);
    }),
  };
}
