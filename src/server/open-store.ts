/**
 * @module Opens the configured store and its event bus. SQLite (the default) needs
 * no server; Redis and PostgreSQL load their drivers lazily, so a SQLite install
 * never touches them, and fail fast with a clear message when unreachable.
 */
import { join } from 'node:path';
import type { EventBus } from '../hub/event-bus.js';
import { createMemoryEventBus } from '../hub/event-bus.js';
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

export async function openBackend(config: ServerConfig, log: Logger): Promise<Backend> {
  switch (config.store.kind) {
    case 'sqlite': {
      const store = createSqliteStore({ path: join(config.dataDir, 'baton.db'), synchronous: config.sqliteSynchronous });
      return { store, bus: createMemoryEventBus(), close: () => store.close() };
    }
    case 'redis': {
      const { createRedisStore } = await import('../store/redis/redis-store.js');
      const { createRedisEventBus } = await import('../store/redis/redis-event-bus.js');
      const url = requireUrl(config);
      const store = await createRedisStore({ url, prefix: config.store.namespace });
      const bus = await createRedisEventBus({ url, prefix: config.store.namespace, store, onError: (error) => { log.error('event bus', error); } });
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
      const { createPostgresEventBus } = await import('../store/postgres/postgres-event-bus.js');
      const connectionString = requireUrl(config);
      const store = await createPostgresStore({ connectionString, schema: config.store.namespace });
      const bus = await createPostgresEventBus({ connectionString, schema: config.store.namespace, store, log });
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
