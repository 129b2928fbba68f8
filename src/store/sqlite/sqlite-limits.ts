/**
 * @module Store.limits on SQLite: the hits of a moment in one transaction (an upsert
 * per window), and the holds of a bounded key checked and written in one IMMEDIATE
 * transaction (another process on the same file waits for it). Synchronous, so it
 * never interleaves with the step queue's own transaction on this connection.
 */
import type { Database } from 'better-sqlite3';
import { batchHits, type LimitStore, type WindowIncrement } from '../limits-port.js';
import type { SqliteStatements } from './sqlite-statements.js';

export function createSqliteLimits(db: Database, q: SqliteStatements, guard: <T>(work: () => T) => Promise<T>): LimitStore {
  const incrementAll = db.transaction((windows: readonly WindowIncrement[]) =>
    windows.map(({ key, windowEnd, by }) => Number(q.one('hit_window', { key, window_end: windowEnd, by })?.['count'] ?? by)));
  const holdAll = db.transaction((limits: readonly { key: string; max: number }[], holder: string, expiresAt: number, now: number) => {
    const full = limits.findIndex(({ key, max }) => Number(q.one('count_holds', { key, holder, now })?.['n'] ?? 0) >= max);
    if (full >= 0) return full;
    for (const { key } of limits) q.run('put_hold', { key, holder, expires_at: expiresAt });
    return -1;
  });
  const releaseAll = db.transaction((keys: readonly string[], holder: string) => {
    for (const key of keys) q.run('delete_hold', key, holder);
  });
  return {
    hit: batchHits((windows) => guard(() => incrementAll.immediate(windows))),
    hold: (limits, holder, expiresAt, now) => guard(() => holdAll.immediate(limits, holder, expiresAt, now)),
    release: (keys, holder) => guard(() => {
      releaseAll.immediate(keys, holder);
    }),
    purge: (now) => guard(() => {
      q.run('purge_windows', now);
      q.run('purge_holds', now);
    }),
  };
}
