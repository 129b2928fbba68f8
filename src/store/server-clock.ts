/**
 * @module A Clock that follows a storage server's clock, so lease and claim expiry
 * is decided by one clock for every coordinator process (DESIGN §8), not by each
 * client's. The offset is measured at start and every few seconds (halving the
 * round trip), and the clock never goes backwards.
 */
import type { Clock } from '../core/ports.js';

export interface ServerClock extends Clock {
  stop(): void;
}

/** `readServerMs` asks the engine for its time in epoch ms (Redis TIME, PostgreSQL clock_timestamp()). */
export async function startServerClock(readServerMs: () => Promise<number>, intervalMs = 5_000): Promise<ServerClock> {
  let offset = 0;
  let last = 0;
  const measure = async (): Promise<void> => {
    const before = Date.now();
    const server = await readServerMs();
    const after = Date.now();
    offset = server - (before + after) / 2;
  };
  await measure();
  const timer = setInterval(() => {
    // A missed sync keeps the last offset.
    measure().catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return {
    now() {
      last = Math.max(last, Math.round(Date.now() + offset));
      return last;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
