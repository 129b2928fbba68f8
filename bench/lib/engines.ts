/**
 * @module The multi-process engines the bench runs Baton on: how to open a store
 * and its cross-process bus over a throwaway namespace (Redis key prefix or
 * PostgreSQL schema), and how to drop the namespace after. Servers come from
 * BATON_BENCH_REDIS_URL and BATON_BENCH_POSTGRES_URL (local defaults).
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import type { EventBus } from '../../src/bus/event-bus.js';
import { createLogFollowingBus } from '../../src/bus/log-following-bus.js';
import { createPostgresNotifier } from '../../src/store/postgres/postgres-notifier.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createRedisNotifier } from '../../src/store/redis/redis-notifier.js';
import { createRedisStore } from '../../src/store/redis/redis-store.js';
import type { Store, StoreNotifier } from '../../src/store/store.js';

export const REDIS_URL = process.env['BATON_BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const PG_URL = process.env['BATON_BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface OpenedStore {
  store: Store;
  bus: EventBus;
  close(): Promise<void>;
}

export interface StoreEngine {
  kind: 'redis' | 'postgres';
  url: string;
  /** Process name of the database server (`comm` in /proc), for its CPU time. */
  serverProcess: string;
  /** The store and its cross-process event bus over `namespace`. */
  open(namespace: string): Promise<OpenedStore>;
  /** Deletes everything under `namespace`. */
  drop(namespace: string): Promise<void>;
}

async function withBus(store: Store, notifier: StoreNotifier): Promise<OpenedStore> {
  try {
    const bus = await createLogFollowingBus({ store, notifier });
    return {
      store,
      bus,
      async close() {
        await bus.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** One short-lived client of PG_URL. */
export async function withPgClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const postgresEngine: StoreEngine = {
  kind: 'postgres',
  url: PG_URL,
  serverProcess: 'postgres',
  async open(schema) {
    return withBus(await createPostgresStore({ connectionString: PG_URL, schema }), createPostgresNotifier({ connectionString: PG_URL, schema }));
  },
  async drop(schema) {
    // The name comes from claimNamespace ([a-z0-9_] only), so it needs no quoting.
    await withPgClient((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  },
};

export const redisEngine: StoreEngine = {
  kind: 'redis',
  url: REDIS_URL,
  serverProcess: 'redis-server',
  async open(prefix) {
    return withBus(await createRedisStore({ url: REDIS_URL, prefix }), createRedisNotifier({ url: REDIS_URL, prefix }));
  },
  async drop(prefix) {
    // The store's keys are `{prefix}:…` and `{prefix:project}:…`, its channel and the benchmark's keys `prefix:…`.
    const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    try {
      for (const pattern of [`{${prefix}}:*`, `{${prefix}:*`, `${prefix}:*`]) {
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await client.unlink(...keys);
        } while (cursor !== '0');
      }
    } finally {
      client.disconnect();
    }
  },
};
