/**
 * @module The three stores on this machine's shared engines, each opened on a
 * namespace of its own (an in-memory SQLite, a random Redis key prefix, a random
 * PostgreSQL schema), for tests that must hold on every engine. Redis and
 * PostgreSQL are the machine's (127.0.0.1:6379 and :5432, database `test`), or
 * BATON_TEST_REDIS_URL / BATON_TEST_PG_URL.
 */
import { randomUUID } from 'node:crypto';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createRedisStore } from '../../src/store/redis/redis-store.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import type { Clock } from '../../src/core/ports.js';

export const PG_URL = process.env['BATON_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env['BATON_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface EngineCase {
  name: 'sqlite' | 'redis' | 'postgres';
  /** A fresh store sharing nothing with any other it opened. */
  open(clock?: Clock): Promise<Store>;
}

export const ENGINES: EngineCase[] = [
  { name: 'sqlite', open: (clock) => Promise.resolve(createSqliteStore({ path: ':memory:', ...(clock ? { clock } : {}) })) },
  { name: 'redis', open: (clock) => createRedisStore({ url: REDIS_URL, prefix: `baton-test-${randomUUID().slice(0, 8)}`, ...(clock ? { clock } : {}) }) },
  { name: 'postgres', open: (clock) => createPostgresStore({ connectionString: PG_URL, schema: `baton_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`, ...(clock ? { clock } : {}) }) },
];
