/**
 * @module The StoreNotifier of Redis: a subscriber connection on the prefix's
 * channel, on which apply-plan.lua PUBLISHes `{project, lastId}`. Each time the
 * subscription (re)starts it reads every project's log head, so what was committed
 * while it was down is caught up; when the store finds that Redis lost its data
 * (resync with `lost`), the logs are followed again from their new heads.
 */
import type { Redis } from 'ioredis';
import type { StoreNotifier } from '../store.js';
import { connectRedis } from './connection.js';
import { createKeys, type RedisKeys } from './keys.js';

export interface RedisNotifierOptions {
  url: string;
  /** The key prefix of the store (default 'baton'). */
  prefix?: string;
  log?: { error(message: string, detail?: unknown): void };
}

export interface RedisNotifier extends StoreNotifier {
  /** Re-reads the log heads, e.g. after Redis lost its data (`lost`). */
  resync(lost: boolean): Promise<void>;
}

async function heads(client: Redis, keys: RedisKeys): Promise<Map<string, number>> {
  const projects = await client.smembers(keys.projects);
  const pipeline = client.pipeline();
  for (const p of projects) pipeline.hget(keys.project(p).meta, 'last');
  const replies = (await pipeline.exec()) ?? [];
  return new Map(projects.map((p, i) => [p, Number(replies[i]?.[1] ?? 0)]));
}

export function createRedisNotifier(options: RedisNotifierOptions): RedisNotifier {
  const keys = createKeys(options.prefix ?? 'baton');
  const log = options.log ?? { error: () => undefined };
  let handlers: Parameters<StoreNotifier['start']>[0] | undefined;
  let subscriber: Redis | undefined;
  let reader: Redis | undefined;

  const resync = async (lost: boolean): Promise<void> => {
    if (!reader || !handlers) return;
    handlers.onResync(await heads(reader, keys), lost);
  };

  return {
    async start(h) {
      handlers = h;
      subscriber = await connectRedis(options.url, { name: 'baton-bus-subscriber' });
      reader = await connectRedis(options.url, { name: 'baton-bus' });
      subscriber.on('message', (channel: string, message: string) => {
        if (channel !== keys.channel) return;
        try {
          const notice = JSON.parse(message) as { project?: unknown; lastId?: unknown };
          if (typeof notice.project === 'string' && typeof notice.lastId === 'number') handlers?.onNotice(notice.project, notice.lastId);
        } catch {
          // Not ours: ignore.
        }
      });
      // ioredis re-subscribes after a reconnect; wake-ups sent meanwhile were lost, so read the heads again.
      subscriber.on('ready', () => {
        resync(false).catch((error: unknown) => {
          log.error('event bus: catching up after a reconnect failed', error);
        });
      });
      await subscriber.subscribe(keys.channel);
      await resync(false);
    },
    resync,
    async close() {
      await subscriber?.quit().catch(() => undefined);
      await reader?.quit().catch(() => undefined);
    },
  };
}
