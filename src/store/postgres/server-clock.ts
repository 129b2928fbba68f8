/**
 * @module A Clock that follows the database server's clock, so lease and claim
 * expiry is decided by one clock for every coordinator process (DESIGN §8), not
 * by each client's. It measures the offset to `clock_timestamp()` at start and
 * every few seconds (halving the round trip) and never goes backwards.
 */
import type { Clock } from '../../core/ports.js';

interface Queryable {
  query(text: string): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface ServerClock extends Clock {
  /** Measures the offset again; keeps the last one if the database does not answer. */
  sync(): Promise<void>;
  /** Current offset (server minus local), in ms. */
  readonly offsetMs: number;
  stop(): void;
}

export async function startServerClock(db: Queryable, intervalMs = 5_000): Promise<ServerClock> {
  let offset = 0;
  let last = 0;
  const measure = async (): Promise<void> => {
    const before = Date.now();
    const { rows } = await db.query('SELECT extract(epoch from clock_timestamp()) * 1000 AS now');
    const after = Date.now();
    offset = Number(rows[0]?.['now']) - (before + after) / 2;
  };
  await measure();
  const timer = setInterval(() => {
    measure().catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return {
    now() {
      last = Math.max(last, Math.round(Date.now() + offset));
      return last;
    },
    sync: () => measure().catch(() => undefined),
    get offsetMs() {
      return offset;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
