/**
 * @module The PostgreSQL store against the conformance suite (one random schema,
 * emptied before each test), plus what only PostgreSQL has: two pools on one schema racing,
 * migrations under concurrent start, the LISTEN/NOTIFY event bus across
 * instances (and its reconnect), the server clock, and an unreachable server.
 * Needs the PostgreSQL on 127.0.0.1:5432 (or BATON_TEST_PG_URL).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../core/events/event.js';
import { isCoordinationError } from '../../core/errors.js';
import { createFakeClock, describeStoreConformance } from '../conformance/index.js';
import { THRESHOLDS } from '../conformance/harness.js';
import type { Store } from '../store.js';
import { loadMigrations, migrate } from './migrate.js';
import { advisoryKey } from './connection.js';
import { createLogFollowingBus, type LogFollowingBus } from '../../bus/log-following-bus.js';
import { createPostgresNotifier, type PostgresNotifier } from './postgres-notifier.js';
import { createPostgresStore } from './postgres-store.js';

const URL = process.env['BATON_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];
const freshSchema = (): string => {
  const schema = `baton_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
};

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function until(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

afterAll(async () => {
  await withClient(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
});

// One schema for the whole suite, emptied before each test: migrating a fresh
// schema costs ~0.2 s of DDL, and the suite closes each store before the next test.
let conformanceSchema: string | undefined;
async function emptiedSchema(): Promise<string> {
  if (conformanceSchema === undefined) return (conformanceSchema = freshSchema());
  const schema = conformanceSchema;
  await withClient(async (client) => {
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'schema_migrations'",
      [schema],
    );
    await client.query(rows.map((r) => `DELETE FROM "${schema}"."${r.table_name}";`).join(''));
  });
  return schema;
}

describeStoreConformance('postgres', async ({ clock }) => createPostgresStore({ connectionString: URL, schema: await emptiedSchema(), clock, poolSize: 4 }));

describe('PostgreSQL store', () => {
  const open: { close(): Promise<void> }[] = [];
  const openStore = async (schema: string, clock = createFakeClock()): Promise<Store> => {
    const store = await createPostgresStore({ connectionString: URL, schema, clock, poolSize: 4 });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    for (const item of open.splice(0).reverse()) await item.close().catch(() => undefined);
  });

  const project = (): string => `pg-${randomBytes(5).toString('hex')}`;
  const ctx = (p: string, now: number) => ({ project: p, now });
  const lockRequest = (holder: string) => ({
    request: { kind: 'lock' as const, resource: 'deploy', paths: [], holder, mode: 'exclusive' as const, limit: null, ttlMs: 60_000, reason: null },
    force: false,
    thresholds: THRESHOLDS,
  });

  it('never double-grants or double-claims when two pools on one schema race', async () => {
    const schema = freshSchema();
    const clock = createFakeClock();
    const [a, b] = [await openStore(schema, clock), await openStore(schema, clock)];
    const p = project();
    const pick = (i: number): Store => (i % 2 ? a : b);

    const acquires = await Promise.all(Array.from({ length: 32 }, (_, i) => pick(i).acquireLease(ctx(p, clock.now()), lockRequest(`agent-${i}`))));
    expect(acquires.filter((w) => w.result.ok)).toHaveLength(1);

    await a.addTasks(ctx(p, clock.now()), Array.from({ length: 20 }, (_, i) => ({ id: `t${i}`, title: 'T', description: '', dependencies: [], priority: 0, labels: [], files: [] })), null);
    const claims = await Promise.all(Array.from({ length: 32 }, (_, i) => pick(i).claimTask(ctx(p, clock.now()), { agent: `agent-${i}`, ttlMs: 60_000 })));
    const claimed = claims.flatMap((w) => (w.result.ok ? [w.result.task.id] : []));
    expect(claimed).toHaveLength(20);
    expect(new Set(claimed).size).toBe(20);

    const increment = async (store: Store): Promise<void> => {
      for (;;) {
        const current = await store.getState(p, 's', 'n', clock.now());
        try {
          await store.putState(ctx(p, clock.now()), { scope: 's', key: 'n', value: ((current?.value as number | undefined) ?? 0) + 1, actor: null, ifVersion: current?.version ?? 0 });
          return;
        } catch (error) {
          if (!isCoordinationError(error) || error.code !== 'VERSION_CONFLICT') throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: 24 }, (_, i) => increment(pick(i))));
    expect(await a.getState(p, 's', 'n', clock.now())).toMatchObject({ value: 24, version: 24 });

    const events = (await b.readEvents({ project: p, after: 0, limit: 1000 })).events;
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  });

  it('applies migrations once when several processes start together, and again not at all', async () => {
    const schema = freshSchema();
    await Promise.all(Array.from({ length: 4 }, () => openStore(schema)));
    const files = loadMigrations();
    await withClient(async (client) => {
      const { rows } = await client.query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
      expect(rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
      expect(await migrate(client, schema, advisoryKey('baton-migrate', schema))).toBe(0);
    });
    await openStore(schema);
  });

  it('rolls back only the failing call of a group-commit batch', async () => {
    const clock = createFakeClock();
    const store = await openStore(freshSchema(), clock);
    const p = project();
    const task = (id: string, dependencies: string[] = []) => ({ id, title: id, description: '', dependencies, priority: 0, labels: [], files: [] });
    const outcomes = await Promise.allSettled([
      store.addTasks(ctx(p, clock.now()), [task('a')], null),
      store.addTasks(ctx(p, clock.now()), [task('x', ['y']), task('y', ['x'])], null),
      store.putState(ctx(p, clock.now()), { scope: 's', key: 'k', value: 1, actor: null }),
      store.putState(ctx(p, clock.now()), { scope: 's', key: 'k', value: 2, actor: null, ifVersion: 7 }),
      store.publishEvent(ctx(p, clock.now()), null, 'after', null),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { code: 'TASK_CYCLE' } });
    expect((await store.listTasks(p, { limit: 10 })).map((t) => t.id)).toEqual(['a']);
    const events = (await store.readEvents({ project: p, after: 0, limit: 100 })).events;
    expect(events.map((e) => [e.id, e.type])).toEqual([[1, 'task.added'], [2, 'state.stored'], [3, 'custom']]);
  });

  it('takes time from the database server when no clock is given', async () => {
    const store = await createPostgresStore({ connectionString: URL, schema: freshSchema() });
    open.push(store);
    const serverNow = await withClient(async (client) => Number((await client.query<{ now: string }>('SELECT extract(epoch from clock_timestamp()) * 1000 AS now')).rows[0]?.now));
    expect(Math.abs(store.clock.now() - serverNow)).toBeLessThan(1_000);
    const first = store.clock.now();
    expect(store.clock.now()).toBeGreaterThanOrEqual(first);
  });

  it('fails fast with STORE_UNAVAILABLE when the server cannot be reached', async () => {
    const started = Date.now();
    const error: unknown = await createPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', connectTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CoordinationError', code: 'STORE_UNAVAILABLE' });
    expect((error as Error).message).toBe('The PostgreSQL store cannot be reached (ECONNREFUSED).');
    expect((error as Error).cause).toBeDefined();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  describe('connection loss', () => {
    const setup = async () => {
      const schema = freshSchema();
      const clock = createFakeClock();
      const store = await openStore(schema, clock);
      const p = project();
      await store.publishEvent(ctx(p, clock.now()), null, 'first', 1);
      const publish = (subject: string) => store.publishEvent(ctx(p, clock.now()), null, subject, null);
      const storeWaitsOnLock = (other: pg.Client) => async (): Promise<boolean> =>
        (await other.query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [`baton:${schema}`])).rowCount === 1;
      const killStoreConnections = (other: pg.Client) => other.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`baton:${schema}`]);
      // pg_terminate_backend only signals: a backend still exiting has not yet told
      // the pool its connection is gone, and a call sent on it fails like one cut mid-apply.
      const storeConnectionsGone = (other: pg.Client) => async (): Promise<boolean> =>
        (await other.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [`baton:${schema}`])).rowCount === 0;
      const subjects = async () => (await store.readEvents({ project: p, after: 0, limit: 10 })).events.map((e) => e.subject);
      return { schema, p, publish, storeWaitsOnLock, killStoreConnections, storeConnectionsGone, subjects };
    };

    it('runs a call on fresh connections after the idle ones were killed', async () => {
      const t = await setup();
      await withClient(async (other) => {
        await t.killStoreConnections(other);
        await until(t.storeConnectionsGone(other));
        // The backends' goodbyes are in this process's socket buffers by now; give the pool a turn to read them.
        await new Promise((resolve) => setTimeout(resolve, 20));
      });
      expect((await t.publish('after-kill')).events.map((e) => e.id)).toEqual([2]);
      expect(await t.subjects()).toEqual(['first', 'after-kill']);
    });

    it('answers STORE_UNAVAILABLE when the connection dies mid-apply, applies nothing twice, and the next call reconnects', async () => {
      const t = await setup();
      await withClient(async (other) => {
        // A row lock on the project's header stops the call's apply_plan until the kill.
        await other.query('BEGIN');
        await other.query(`SELECT 1 FROM "${t.schema}".projects WHERE id = $1 FOR UPDATE`, [t.p]);
        // Caught at once: the rejection may land while the kill is still being awaited.
        const blocked = t.publish('blocked').catch((e: unknown) => e);
        await until(t.storeWaitsOnLock(other));
        await t.killStoreConnections(other);
        expect(await blocked).toMatchObject({ name: 'CoordinationError', code: 'STORE_UNAVAILABLE' });
        await other.query('ROLLBACK');
      });
      expect((await t.publish('after')).events.map((e) => e.id)).toEqual([2]);
      expect(await t.subjects()).toEqual(['first', 'after']);
    });
  });

  it('refuses calls after close with STORE_UNAVAILABLE', async () => {
    const store = await createPostgresStore({ connectionString: URL, schema: freshSchema(), clock: createFakeClock() });
    await store.close();
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.listProjects()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  describe('event bus', () => {
    type Bus = LogFollowingBus & { notifier: PostgresNotifier };
    const openBus = async (store: Store, schema: string, reconnectDelayMs = 50): Promise<Bus> => {
      const notifier = createPostgresNotifier({ connectionString: URL, schema, reconnectDelayMs });
      const bus = await createLogFollowingBus({ store, notifier });
      open.push(bus);
      return Object.assign(bus, { notifier });
    };
    const collect = (bus: Bus, p: string): BatonEvent[] => {
      const seen: BatonEvent[] = [];
      bus.subscribe(p, (e) => seen.push(e));
      return seen;
    };

    it('delivers every event once and in order to each of two processes, whoever committed it', async () => {
      const schema = freshSchema();
      const clock = createFakeClock();
      const [a, b] = [await openStore(schema, clock), await openStore(schema, clock)];
      const [busA, busB] = [await openBus(a, schema), await openBus(b, schema)];
      const p = project();
      const [seenA, seenB] = [collect(busA, p), collect(busB, p)];
      // Each writer publishes its own step on its own bus, as the hub does.
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const [store, bus] = i % 2 ? [a, busA] : [b, busB];
          bus.publish((await store.publishEvent(ctx(p, clock.now()), null, `n${i}`, i)).events);
        }),
      );
      const ids = Array.from({ length: 40 }, (_, i) => i + 1);
      await until(() => seenA.length >= 40 && seenB.length >= 40);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seenA.map((e) => e.id)).toEqual(ids);
      expect(seenB.map((e) => e.id)).toEqual(ids);
    });

    it('reconnects its LISTEN connection and delivers what was committed meanwhile', async () => {
      const schema = freshSchema();
      const clock = createFakeClock();
      const [a, b] = [await openStore(schema, clock), await openStore(schema, clock)];
      const [busA, busB] = [await openBus(a, schema), await openBus(b, schema, 300)];
      const p = project();
      const seenB = collect(busB, p);
      busA.publish((await a.publishEvent(ctx(p, clock.now()), null, 'before', 1)).events);
      await until(() => seenB.length === 1);

      await withClient((client) => client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`baton-listen:${schema}`]));
      await until(() => !busB.notifier.listening);
      // Committed while B is deaf; A's NOTIFY for it is lost to B.
      busA.publish((await a.publishEvent(ctx(p, clock.now()), null, 'during', 2)).events);
      await until(() => busB.notifier.listening);
      busA.publish((await a.publishEvent(ctx(p, clock.now()), null, 'after', 3)).events);
      await until(() => seenB.length >= 3);
      expect(seenB.map((e) => [e.id, e.subject])).toEqual([[1, 'before'], [2, 'during'], [3, 'after']]);
    });
  });
});
