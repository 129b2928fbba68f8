/**
 * @module The Redis store. Generic steps run the shared operations
 * (../transactional) against a RedisRepository that reads Redis directly and
 * buffers writes; commit.lua applies them atomically if the project's revision is
 * unchanged, else the step runs again (optimistic concurrency). Steps of one
 * project are serialised within a process; across processes, a step that keeps
 * conflicting takes the project lock so it cannot starve. The hot paths (claim,
 * complete, plain lock acquire/release) are single Lua scripts (fast-paths.ts).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { CoordinationError, isCoordinationError } from '../../core/errors.js';
import type { Clock } from '../../core/ports.js';
import type { Store } from '../store.js';
import type { Repository, TransactionEngine } from '../transactional/repository.js';
import { createTransactionalStore } from '../transactional/transactional-store.js';
import { startServerClock, type ServerClock } from '../server-clock.js';
import { connectRedis, redisTimeMs, translateRedisError } from './connection.js';
import { withFastPaths } from './fast-paths.js';
import { createKeys } from './keys.js';
import { ProjectBusy, type RedisContext } from './project-step.js';
import { RedisRepository } from './redis-repository.js';
import { defineScripts } from './scripts.js';

export interface RedisStoreOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Prefix of every key (default 'baton'): stores with different prefixes share nothing. */
  prefix?: string;
  /** Defaults to the Redis server's clock (TIME, re-synced every few seconds). */
  clock?: Clock;
  /** Single-script hot paths (default true); false runs every step through the shared operations. */
  fastPaths?: boolean;
  /** How long a step may keep retrying under contention before STORE_UNAVAILABLE, in ms. */
  contentionTimeoutMs?: number;
}

/** Optimistic attempts before a step takes the project lock. */
const OPTIMISTIC_ATTEMPTS = 3;

/** Runs `fn` after every earlier call for the same key has settled. */
function createSerializer(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return (key, fn) => {
    const next = (tails.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = next.then(() => undefined, () => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return next;
  };
}

function createRedisEngine(ctx: RedisContext, clock: Clock, options: RedisStoreOptions, onClose: () => Promise<void>): TransactionEngine {
  const serialize = createSerializer();
  const timeoutMs = options.contentionTimeoutMs ?? 10_000;
  let closed = false;
  const guard = (): void => {
    if (closed) throw new CoordinationError('STORE_UNAVAILABLE', 'The store is closed.');
  };

  async function attempt<T>(project: string, owner: string, work: (tx: Repository) => Promise<T>): Promise<{ done: true; value: T } | { done: false }> {
    const repo = new RedisRepository(ctx, project, owner);
    let value: T | undefined;
    let failure: unknown;
    let failed = false;
    try {
      value = await work(repo);
    } catch (error) {
      if (error instanceof ProjectBusy) return { done: false };
      // A refusal may rest on reads torn by a concurrent commit: validate it like a result.
      if (!isCoordinationError(error)) throw translateRedisError(error);
      failure = error;
      failed = true;
    }
    const step = repo.writeStep;
    const outcome = step ? await (failed ? step.validate() : step.commit()) : 'committed';
    if (outcome !== 'committed') return { done: false };
    if (failed) throw failure;
    return { done: true, value: value as T };
  }

  return {
    clock,
    capabilities: { notify: 'pubsub', multiProcess: true },
    engine: 'redis',
    async transaction<T>(project: string, work: (tx: Repository) => Promise<T>): Promise<T> {
      guard();
      return await serialize(project, async () => {
        const deadline = Date.now() + timeoutMs;
        for (let n = 0; ; n++) {
          const owner = n >= OPTIMISTIC_ATTEMPTS ? randomUUID() : '';
          try {
            const result = await attempt(project, owner, work);
            if (result.done) return result.value;
          } catch (error) {
            throw translateRedisError(error);
          }
          if (Date.now() > deadline) {
            throw new CoordinationError('STORE_UNAVAILABLE', `Project '${project}' is too contended: a step kept conflicting for ${timeoutMs} ms.`, { project });
          }
          await sleep(Math.random() * Math.min(2 ** n, 20));
        }
      });
    },
    async read(work) {
      guard();
      try {
        return await work(new RedisRepository(ctx, null));
      } catch (error) {
        throw translateRedisError(error);
      }
    },
    async ping() {
      guard();
      try {
        await ctx.client.ping();
      } catch (error) {
        throw translateRedisError(error);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await onClose();
    },
  };
}

/** Connects to Redis (failing fast with STORE_UNAVAILABLE) and returns the store. */
export async function createRedisStore(options: RedisStoreOptions): Promise<Store> {
  const client: Redis = await connectRedis(options.url, { name: 'baton-store' });
  let serverClock: ServerClock | undefined;
  try {
    const ctx: RedisContext = { client, scripts: defineScripts(client), keys: createKeys(options.prefix ?? 'baton') };
    serverClock = options.clock ? undefined : await startServerClock(() => redisTimeMs(client));
    const clock = options.clock ?? serverClock;
    if (!clock) throw new Error('unreachable: no clock');
    const engine = createRedisEngine(ctx, clock, options, async () => {
      serverClock?.stop();
      await client.quit().catch(() => undefined);
    });
    const store = createTransactionalStore(engine);
    return options.fastPaths === false ? store : withFastPaths(store, ctx);
  } catch (error) {
    serverClock?.stop();
    client.disconnect();
    throw translateRedisError(error);
  }
}
