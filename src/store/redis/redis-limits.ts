/**
 * @module Store.limits on Redis: a counter per window (INCR, and a TTL to the
 * window's end, in hit-windows.lua) and a zset of holders per bounded key scored
 * by expiry (take-holds.lua drops the expired, counts and adds, all or none).
 * Each call is one script: one round trip.
 */
import type { Redis } from 'ioredis';
import { windowOf, type LimitStore } from '../limits-port.js';
import { translateRedisError } from './connection.js';
import type { LimitKeys } from './keys.js';
import type { Scripts } from './scripts.js';

/** Kept past a window's end or a hold's expiry, so a clock a little behind still finds it. */
const MARGIN_MS = 5_000;

export function createRedisLimits(client: Redis, scripts: Scripts, keys: LimitKeys): LimitStore {
  const translated = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw translateRedisError(error);
    }
  };
  return {
    hit: (hits, now) => translated(async () => {
      const windows = hits.map((h) => windowOf(now, h.windowMs).end);
      const reply = await scripts['hit-windows'](hits.map((h, i) => keys.window(h.key, windows[i] ?? 0)), windows.map((end) => end - now + MARGIN_MS));
      const counts = Array.isArray(reply) ? reply.map(Number) : [];
      return windows.map((resetAt, i) => ({ count: counts[i] ?? 0, resetAt }));
    }),
    hold: (limits, holder, expiresAt, now) => translated(async () => {
      const reply = Number(await scripts['take-holds'](limits.map((l) => keys.holds(l.key)), [holder, expiresAt, now, expiresAt - now + MARGIN_MS, ...limits.map((l) => l.max)]));
      return reply - 1;
    }),
    release: (releasing, holder) => translated(async () => {
      if (releasing.length === 0) return;
      const pipeline = client.pipeline();
      for (const key of releasing) pipeline.zrem(keys.holds(key), holder);
      await pipeline.exec();
    }),
    // Counters and idle zsets expire by themselves; expired holders are dropped when a key is next taken.
    purge: () => Promise.resolve(),
  };
}
