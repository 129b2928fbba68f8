/**
 * @module Opens the configured store and its event bus. SQLite (the default) needs
 * no server; Redis and PostgreSQL load their drivers lazily, so a SQLite install
 * never touches them, and fail fast with a clear message when unreachable.
 */
import { join } from 'node:path';
import { createMemoryEventBus, type EventBus } from '../bus/event-bus.js';
import { createLogFollowingBus } from '../bus/log-following-bus.js';
import type { Logger } from '../hub/context.js';
import type { Store } from '../store/store.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { ServerConfig } from './config.js';

export interface Backend {
  store: Store;
  bus: EventBus;
  close(): Promise<void>;
}

function requireUrl(config: ServerConfig): string {
  if (!config.store.url) throw new Error(`--store ${config.store.kind} needs --store-url (or BATON_STORE_URL).`);
  return config.store.url;
}

/** The configured store alone, for tools that work on it directly (backup, restore, doctor). */
export async function openStore(config: ServerConfig): Promise<Store> {
  switch (config.store.kind) {
    case 'sqlite':
      return createSqliteStore({ path: join(config.dataDir, 'baton.db'), synchronous: config.sqliteSynchronous });
    case 'redis': {
      const { createRedisStore } = await import('../store/redis/redis-store.js');
      return createRedisStore({ url: requireUrl(config), prefix: config.store.namespace });
    }
    case 'postgres': {
      const { createPostgresStore } = await import('../store/postgres/postgres-store.js');
      return createPostgresStore({ connectionString: requireUrl(config), schema: config.store.namespace });
    }
  }
}

export async function openBackend(config: ServerConfig, log: Logger): Promise<Backend> {
  switch (config.store.kind) {
    case 'sqlite': {
      const store = createSqliteStore({ path: join(config.dataDir, 'baton.db'), synchronous: config.sqliteSynchronous });
      return { store, bus: createMemoryEventBus(), close: () => store.close() };
    }
    case 'redis': {
      const { createRedisStore } = await import('../store/redis/redis-store.js');
      const { createRedisNotifier } = await import('../store/redis/redis-notifier.js');
      const url = requireUrl(config);
      const store = await createRedisStore({ url, prefix: config.store.namespace });
      const notifier = createRedisNotifier({ url, prefix: config.store.namespace, log });
      const bus = await createLogFollowingBus({ store, notifier, log });
      store.onDataLoss(() => {
        log.error('Redis lost its data (restarted without persistence?): caches dropped, fencing counters re-seeded from this process, event feeds restarted');
        notifier.resync(true).catch((error: unknown) => { log.error('event bus: resync after data loss failed', error); });
      });
      return {
        store,
        bus,
        async close() {
          await bus.close();
          await store.close();
        },
      };
    }
    case 'postgres': {
      const { createPostgresStore } = await import('../store/postgres/postgres-store.js');
      const { createPostgresNotifier } = await import('../store/postgres/postgres-notifier.js');
      const connectionString = requireUrl(config);
      const store = await createPostgresStore({ connectionString, schema: config.store.namespace });
      const bus = await createLogFollowingBus({ store, notifier: createPostgresNotifier({ connectionString, schema: config.store.namespace, log }), log });
      return {
        store,
        bus,
        async close() {
          await bus.close();
          await store.close();
        },
      };
    }
  }
}
