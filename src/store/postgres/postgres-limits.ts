/**
 * @module Store.limits on PostgreSQL: an upsert of every counted key in one
 * statement, and take_holds (migration 0005) checking and taking the holds of
 * several keys all or none. One round trip each, outside the step engine.
 */
import { windowOf, type LimitStore } from '../limits-port.js';
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
    hit: (hits, now) => translated(async () => {
      // Rows locked in key order: two calls sharing keys cannot deadlock.
      const sorted = hits.map((h) => ({ key: h.key, end: windowOf(now, h.windowMs).end })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const counted = new Map((await rows(db, 'hit_windows', [sorted.map((h) => h.key), sorted.map((h) => h.end)])).map((r) => [String(r['key']), num(r['count'])]));
      return hits.map((h) => ({ count: counted.get(h.key) ?? 0, resetAt: windowOf(now, h.windowMs).end }));
    }),
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
