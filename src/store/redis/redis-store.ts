/**
 * @module The Redis store: the optimistic step engine (../cache/optimistic-engine.ts)
 * over one connection. A project's steps are batched per process over a cache of
 * its hot rows; the batch's plan is one apply-plan.lua call that checks the
 * project's revision, writes, keeps the sweep's indexes and publishes the wake-up.
 * Repeated conflicts take the project's lock key (SET NX), which other processes'
 * applies respect. The store also watches for a Redis that lost its data (a
 * restart without persistence): it then forgets its caches, re-seeds the counters
 * it knew so fencing tokens and event ids keep growing, and tells its listeners.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { CoordinationError } from '../../core/errors.js';
import type { Clock } from '../../core/ports.js';
import { createOptimisticEngine, type EngineAccess, type OptimisticDriver } from '../cache/optimistic-engine.js';
import { createStepStore, type StepEngine } from '../step-store.js';
import type { Store } from '../store.js';
import type { Header } from '../step/header.js';
import { startServerClock, type ServerClock } from '../server-clock.js';
import { connectRedis, redisTimeMs, translateRedisError } from './connection.js';
import { createKeys, type RedisKeys } from './keys.js';
import { createRedisLimits } from './redis-limits.js';
import { createRedisLoader, createRedisQueries } from './redis-loader.js';
import { encodePlan } from './redis-plan.js';
import { defineScripts, type Scripts } from './scripts.js';

export interface RedisStoreOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Prefix of every key (default 'baton'): stores with different prefixes share nothing. */
  prefix?: string;
  /** Defaults to the Redis server's clock (TIME, re-synced every few seconds). */
  clock?: Clock;
  /** Most steps of one project applied together. Default 64. */
  maxBatch?: number;
  /** How often the store checks that Redis kept its data, in ms. Default 5000. */
  generationCheckMs?: number;
}

/** The Redis store, with what only Redis needs: news of a Redis that lost its data. */
export interface RedisStore extends Store {
  /** Called after the store noticed that Redis lost its data and recovered what it could. */
  onDataLoss(listener: () => void): void;
}

/** How long a step holding a project exclusively keeps it if its process dies. */
const LOCK_TTL_MS = 5_000;

async function seedCounters(client: Redis, keys: RedisKeys, project: string, header: Header): Promise<void> {
  const meta = keys.project(project).meta;
  // Only a project whose data is gone gets the counters back: tokens and event ids continue past what was issued.
  if ((await client.hsetnx(meta, 'created', header.createdAt)) === 0) return;
  await client.hset(meta, 'rev', 0, 'seq:token', header.token, 'seq:ticket', header.ticket, 'seq:task', header.taskSeq, 'last', header.lastEventId, 'oldest', header.lastEventId + 1);
  await client.sadd(keys.projects, project);
}

/** Connects to Redis (failing fast with STORE_UNAVAILABLE) and returns the store. */
export async function createRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
  const client: Redis = await connectRedis(options.url, { name: 'baton-store', autoPipelining: false });
  const keys = createKeys(options.prefix ?? 'baton');
  // Every command this connection sends (a script call is one; a pipeline's commands count each).
  const stats = { roundTrips: 0 };
  const send = client.sendCommand.bind(client);
  client.sendCommand = (...args: Parameters<Redis['sendCommand']>) => {
    stats.roundTrips++;
    return send(...args);
  };
  const dataLossListeners: (() => void)[] = [];
  let serverClock: ServerClock | undefined;
  let scripts: Scripts;
  let generation: string;
  try {
    scripts = defineScripts(client);
    await client.set(keys.generation, randomUUID(), 'NX');
    generation = (await client.get(keys.generation)) ?? '';
    serverClock = options.clock ? undefined : await startServerClock(() => redisTimeMs(client));
  } catch (error) {
    client.disconnect();
    throw translateRedisError(error);
  }
  let closed = false;
  const closedError = (): CoordinationError => new CoordinationError('STORE_UNAVAILABLE', 'The store is closed.');

  const accessWith = (owner: string): EngineAccess => ({
    loader: createRedisLoader(client, scripts, keys),
    async apply(plan) {
      const encoded = encodePlan(plan, keys, owner, encodeURIComponent(plan.project));
      const reply = Number(await scripts['apply-plan'](encoded.keys, encoded.args));
      return reply > 0 ? { applied: true, rev: reply } : { applied: false };
    },
    async unchanged(project, header) {
      const meta = keys.project(project).meta;
      const [rev, holder] = await Promise.all([client.hget(meta, 'rev'), client.get(keys.project(project).lock)]);
      // Another step holding the project may be about to change it.
      if (holder !== null && holder !== owner) return false;
      return header === null ? rev === null : rev !== null && Number(rev) === header.rev;
    },
  });

  const driver: OptimisticDriver = {
    ...accessWith(''),
    translate: translateRedisError,
    async recover(project, lastKnown) {
      await seedCounters(client, keys, project, lastKnown);
      await checkGeneration();
    },
    async exclusive(project, work) {
      const owner = randomUUID();
      const lock = keys.project(project).lock;
      const deadline = Date.now() + 10_000;
      while ((await client.set(lock, owner, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
        if (Date.now() > deadline) throw new CoordinationError('STORE_UNAVAILABLE', `Project '${project}' has been held by another coordinator for 10 s; retry shortly.`, { project });
        await sleep(2 + Math.random() * 10);
      }
      try {
        return await work(accessWith(owner));
      } finally {
        // apply-plan.lua frees the lock with the plan; a batch that wrote nothing frees it here.
        if ((await client.get(lock)) === owner) await client.del(lock);
      }
    },
  };
  const batches = createOptimisticEngine(driver, { maxBatch: options.maxBatch ?? 64 });

  /** Notices a Redis that lost its data: the generation key is gone or new. */
  async function checkGeneration(): Promise<void> {
    const seen = await client.get(keys.generation);
    if (seen === generation) return;
    await client.set(keys.generation, randomUUID(), 'NX');
    generation = (await client.get(keys.generation)) ?? '';
    for (const [project, header] of batches.headers()) await seedCounters(client, keys, project, header);
    batches.forget();
    for (const listener of dataLossListeners) listener();
  }
  const generationTimer = setInterval(() => {
    checkGeneration().catch(() => undefined);
  }, options.generationCheckMs ?? 5_000);
  generationTimer.unref();

  const engine: StepEngine = {
    clock: options.clock ?? (serverClock as Clock),
    capabilities: { notify: 'pubsub', multiProcess: true },
    engine: 'redis',
    stats,
    queries: createRedisQueries(client, scripts, keys, translateRedisError),
    limits: createRedisLimits(client, scripts, keys.limits),
    run: (project, now, guard, step) => (closed ? Promise.reject(closedError()) : batches.run(project, now, guard, step)),
    async dueProjects(now, policy) {
      try {
        const [due, silent, long] = await Promise.all([
          client.zrangebyscore(keys.due, '-inf', now),
          client.zrangebyscore(keys.beats, '-inf', `(${now - policy.thresholds.unresponsiveMs + 1}`),
          client.zrangebyscore(keys.logLength, policy.eventRetention, '+inf'),
        ]);
        return [...new Set([...due, ...silent, ...long])];
      } catch (error) {
        throw translateRedisError(error);
      }
    },
    async purgeRequests(before) {
      try {
        while (Number(await scripts['purge-requests']([keys.requests], [before, 500, keys.projectTagStart])) === 500) {
          // More are due: keep going in bounded steps, so no single script blocks Redis for long.
        }
        batches.forgetRequests(before);
      } catch (error) {
        throw translateRedisError(error);
      }
    },
    async ping() {
      if (closed) throw closedError();
      try {
        await client.ping();
        await checkGeneration();
      } catch (error) {
        throw translateRedisError(error);
      }
    },
    async close() {
      if (closed) return;
      await batches.drain();
      closed = true;
      clearInterval(generationTimer);
      serverClock?.stop();
      await client.quit().catch(() => undefined);
    },
  };
  return { ...createStepStore(engine), onDataLoss: (listener) => dataLossListeners.push(listener) };
}
