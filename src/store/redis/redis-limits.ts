/**
 * @module Store.limits on Redis: a counter per window (the hits of a moment added by
 * one call of hit-windows.lua: INCRBY, and a TTL to the window's end) and a zset of
 * holders per bounded key scored by expiry (take-holds.lua drops the expired, counts
 * and adds, all or none). Each call is one script: one round trip.
 */
import type { Redis } from 'ioredis';
import { batchHits, type LimitStore } from '../limits-port.js';
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
    hit: batchHits((windows, now) => translated(async () => {
      const reply = await scripts['hit-windows'](windows.map((w) => keys.window(w.key, w.windowEnd)), windows.flatMap((w) => [w.by, w.windowEnd - now + MARGIN_MS]));
      return Array.isArray(reply) ? reply.map(Number) : [];
    })),
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
